import { Alert, Button, Group, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { sourcesApi, sourcesQueryKey } from './sources-api';

export function CreateSourceForm() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: sourcesApi.create,
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: sourcesQueryKey(session.workspace.id) });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name: name.trim() });
  };

  return (
    <form onSubmit={submit} aria-label="Create source">
      <Group align="flex-end">
        <TextInput
          label="Source name"
          placeholder="Website"
          required
          maxLength={200}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
        />
        <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
          Create source
        </Button>
      </Group>
      {create.error && (
        <Alert color="red" role="alert" mt="sm">
          {errorMessage(create.error)}
        </Alert>
      )}
    </form>
  );
}
