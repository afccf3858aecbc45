import { Alert, Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { sourcesApi, sourcesQueryKey } from './sources-api';

export function CreateSourceForm() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'tracking' | 'webhook'>('tracking');
  const create = useMutation({
    mutationFn: sourcesApi.create,
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: sourcesQueryKey(session.workspace.id) });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), kind });
  };

  return (
    <form onSubmit={submit} aria-label="Create source">
      <Group align="flex-end">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Kind
          </Text>
          <SegmentedControl
            aria-label="Kind of source"
            value={kind}
            onChange={(value) => setKind(value === 'webhook' ? 'webhook' : 'tracking')}
            data={[
              { value: 'tracking', label: 'Website or app' },
              { value: 'webhook', label: 'Webhook' },
            ]}
          />
        </Stack>
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
