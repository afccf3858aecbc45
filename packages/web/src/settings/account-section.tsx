import { Paper, Stack, Text, Title } from '@mantine/core';
import { useCurrentSession } from '../auth/use-session';
import { roleLabel } from '../shared/role-label';
import { ChangePasswordForm } from './change-password-form';
import { LeaveWorkspace } from './leave-workspace';

export function AccountSection() {
  const session = useCurrentSession();
  return (
    <Stack component="section" aria-labelledby="account-title" maw={720}>
      <div>
        <Title order={3} id="account-title">
          Your account
        </Title>
        <Text c="dimmed" size="sm">
          Signed in as {session.user.email}, {roleLabel(session.role).toLowerCase()} of{' '}
          {session.workspace.name}.
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <ChangePasswordForm />
      </Paper>
      <Paper withBorder p="md" radius="md">
        <LeaveWorkspace />
      </Paper>
    </Stack>
  );
}
