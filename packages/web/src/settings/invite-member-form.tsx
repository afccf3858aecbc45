import { Alert, Button, Group, PasswordInput, TextInput } from '@mantine/core';
import type { Role } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { RoleSelect } from './role-select';
import { membersApi, membersQueryKey } from './settings-api';

export function InviteMemberForm() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const invite = useMutation({
    mutationFn: membersApi.invite,
    onSuccess: async () => {
      setEmail('');
      setPassword('');
      await queryClient.invalidateQueries({ queryKey: membersQueryKey(session.workspace.id) });
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // An empty password means "no password yet", which the server expresses as an absent field.
    invite.mutate({ email: email.trim(), role, ...(password ? { password } : {}) });
  };

  return (
    <form onSubmit={submit} aria-label="Invite member">
      <Group align="flex-end">
        <TextInput
          label="Member email"
          type="email"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
        />
        <PasswordInput
          label="Initial password (optional)"
          autoComplete="new-password"
          minLength={8}
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
        />
        <RoleSelect label="Member role" value={role} onChange={setRole} />
        <Button type="submit" loading={invite.isPending}>
          Invite member
        </Button>
      </Group>
      {invite.error && (
        <Alert color="red" role="alert" mt="sm">
          {errorMessage(invite.error)}
        </Alert>
      )}
    </form>
  );
}
