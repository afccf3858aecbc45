import { Alert, Button, Group, Select, TextInput } from '@mantine/core';
import type { Role } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { RoleSelect } from './role-select';
import { type CreatedApiToken, tokensApi, tokensQueryKey } from './settings-api';
import {
  isTokenExpiryChoice,
  TOKEN_EXPIRY_CHOICES,
  type TokenExpiryChoice,
  tokenExpiresAt,
} from './token-expiry';

export function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedApiToken) => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [expiry, setExpiry] = useState<TokenExpiryChoice>('90d');
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
    const expiresAt = tokenExpiresAt(expiry, new Date());
    create.mutate({ name: name.trim(), role, ...(expiresAt ? { expiresAt } : {}) });
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
          style={{ flex: '1 1 200px' }}
          maw={320}
        />
        <RoleSelect label="Token role" value={role} onChange={setRole} />
        <Select
          label="Expires after"
          data={TOKEN_EXPIRY_CHOICES.map(({ value, label }) => ({ value, label }))}
          value={expiry}
          allowDeselect={false}
          onChange={(value) => {
            if (isTokenExpiryChoice(value)) setExpiry(value);
          }}
          w={140}
        />
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
