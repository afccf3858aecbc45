import { Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { authApi } from '../auth/auth-api';
import { endSession } from '../auth/end-session';
import { SESSION_QUERY_KEY, useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';

/** Leaving moves this session to another of the person's workspaces, or signs them out when there is none. */
export function LeaveWorkspace() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const workspaceName = session.workspace.name;
  const others = session.workspaces.filter((workspace) => workspace.id !== session.workspace.id);
  const leave = useMutation({
    mutationFn: async () => {
      await authApi.leaveWorkspace();
      // The server moves the session to another workspace of theirs, or ends it.
      return authApi.fetchSession();
    },
    onSuccess: async (next) => {
      if (next) {
        setConfirming(false);
        queryClient.setQueryData(SESSION_QUERY_KEY, next);
        await queryClient.invalidateQueries();
        return;
      }
      const notice =
        others.length > 0
          ? `You left ${workspaceName}. Sign in again to open ${others.map((w) => w.name).join(', ')}.`
          : `You left ${workspaceName}.`;
      endSession(queryClient, { notice, email: session.user.email });
    },
  });

  return (
    <Stack gap="xs">
      <Title order={4}>Leave {workspaceName}</Title>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" c="dimmed">
          You lose access to {workspaceName} and your API tokens here stop working. To come back, someone must
          invite you again.
        </Text>
        <ConfirmActionButton
          label="Leave workspace"
          ariaLabel={`Leave ${workspaceName}`}
          question={`Leave ${workspaceName}? You are signed out of it at once.`}
          confirmLabel="Confirm leave"
          variant="outline"
          opened={confirming}
          onOpenedChange={(opened) => {
            setConfirming(opened);
            if (!opened) leave.reset();
          }}
          pending={leave.isPending}
          error={leave.error}
          onConfirm={() => leave.mutate()}
        />
      </Group>
    </Stack>
  );
}
