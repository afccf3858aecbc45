import { Alert, Button, Group, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import type { Role } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { inviteNotice } from './invite-notice';
import { RoleSelect } from './role-select';
import { invitationsQueryKey, membersApi, membersQueryKey } from './settings-api';

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
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: membersQueryKey(session.workspace.id) }),
        queryClient.invalidateQueries({ queryKey: invitationsQueryKey(session.workspace.id) }),
      ]);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // An empty password means "no password yet", which the server expresses as an absent field.
    invite.mutate({ email: email.trim(), role, ...(password ? { password } : {}) });
  };

  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={submit} aria-label="Invite member">
        <Stack gap="sm">
          <Title order={4}>Invite someone</Title>
          <Group align="flex-start" wrap="wrap">
            <TextInput
              label="Member email"
              type="email"
              placeholder="name@company.com"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              style={{ flex: '1 1 240px' }}
            />
            <RoleSelect label="Member role" value={role} onChange={setRole} />
          </Group>
          <PasswordInput
            label="Initial password (optional)"
            description={
              session.mailConfigured
                ? 'For a new account only. Leave it empty and they choose their own from the emailed link.'
                : 'Tandem cannot send email (TANDEM_SMTP_URL is not set), so no invitation link reaches them: set an initial password for a new account and share it with them.'
            }
            autoComplete="new-password"
            minLength={8}
            maxLength={256}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          {invite.error && (
            <Alert color="red" role="alert">
              {errorMessage(invite.error)}
            </Alert>
          )}
          {invite.data && !invite.error && (
            <Alert
              color="green"
              role="status"
              withCloseButton
              closeButtonLabel="Dismiss"
              onClose={invite.reset}
            >
              {inviteNotice(invite.data, session.mailConfigured)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={invite.isPending}>
              Invite member
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
