import { Alert, Button, Group, TextInput } from '@mantine/core';
import type { Role } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { RoleSelect } from './role-select';
import { type CreatedApiToken, tokensApi, tokensQueryKey } from './settings-api';

export function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedApiToken) => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const create = useMutation({
    mutationFn: tokensApi.create,
    onSuccess: async (token) => {
      setName('');
      onCreated(token);
      await queryClient.invalidateQueries({ queryKey: tokensQueryKey(session.workspace.id) });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), role });
  };

  return (
    <form onSubmit={submit} aria-label="Create API token">
      <Group align="flex-end">
        <TextInput
          label="Token name"
          placeholder="Nightly export"
          required
          maxLength={200}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
        />
        <RoleSelect label="Token role" value={role} onChange={setRole} />
        <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
          Create token
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
