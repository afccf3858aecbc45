import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { SessionInfo } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { authApi } from '../auth/auth-api';
import { SESSION_QUERY_KEY, useCurrentSession } from '../auth/use-session';
import { useSwitchWorkspace } from '../auth/use-session-mutations';
import { roleLabel } from '../shared/role-label';

type Invitation = SessionInfo['invitations'][number];

/** Invitations of the signed-in person to other workspaces, answered where they are noticed. */
export function YourInvitations() {
  const session = useCurrentSession();
  const [joined, setJoined] = useState<Invitation['workspace'] | null>(null);
  const switchWorkspace = useSwitchWorkspace();
  if (session.invitations.length === 0 && !joined) return null;

  return (
    <Stack gap="xs" mb="md" component="section" aria-label="Your invitations">
      {joined && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setJoined(null)}
        >
          <Group justify="space-between" gap="xs">
            <Text size="sm">You joined {joined.name}.</Text>
            {session.workspace.id !== joined.id && (
              <Button
                size="compact-sm"
                variant="light"
                color="green"
                loading={switchWorkspace.isPending}
                onClick={() => switchWorkspace.mutate(joined.id, { onSuccess: () => setJoined(null) })}
              >
                Open {joined.name}
              </Button>
            )}
          </Group>
        </Alert>
      )}
      {session.invitations.map((invitation) => (
        <InvitationNotice key={invitation.id} invitation={invitation} onJoined={setJoined} />
      ))}
    </Stack>
  );
}

function InvitationNotice({
  invitation,
  onJoined,
}: {
  invitation: Invitation;
  onJoined: (workspace: Invitation['workspace']) => void;
}) {
  const queryClient = useQueryClient();
  const answer = useMutation({
    mutationFn: authApi.answerInvitation,
    onSuccess: (session, { accept }) => {
      queryClient.setQueryData(SESSION_QUERY_KEY, session);
      if (accept) onJoined(invitation.workspace);
    },
  });
  const who = invitation.invitedBy ?? 'Someone';
  const workspace = invitation.workspace.name;

  return (
    <Alert color="blue" title={`Invitation to ${workspace}`}>
      <Group justify="space-between" gap="xs">
        <Text size="sm">
          {who} invited you to join <strong>{workspace}</strong> as {roleLabel(invitation.role).toLowerCase()}
          .
        </Text>
        <Group gap="xs">
          <Button
            size="compact-sm"
            loading={answer.isPending && answer.variables.accept}
            disabled={answer.isPending}
            onClick={() => answer.mutate({ invitationId: invitation.id, accept: true })}
            aria-label={`Accept the invitation to ${workspace}`}
          >
            Accept
          </Button>
          <Button
            size="compact-sm"
            variant="default"
            loading={answer.isPending && !answer.variables.accept}
            disabled={answer.isPending}
            onClick={() => answer.mutate({ invitationId: invitation.id, accept: false })}
            aria-label={`Decline the invitation to ${workspace}`}
          >
            Decline
          </Button>
        </Group>
      </Group>
      {answer.error && (
        <Text size="sm" c="red" role="alert" mt="xs">
          {errorMessage(answer.error)}
        </Text>
      )}
    </Alert>
  );
}
