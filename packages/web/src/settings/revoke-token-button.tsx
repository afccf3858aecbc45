import { Button, Group, Popover, Text } from '@mantine/core';
import type { ApiToken } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { tokensApi, tokensQueryKey } from './settings-api';

/** Revoking breaks every script using the token, so it asks once before doing it. */
export function RevokeTokenButton({ token }: { token: ApiToken }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: tokensApi.revoke,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: tokensQueryKey(session.workspace.id) });
    },
  });

  return (
    <Popover opened={confirming} onChange={setConfirming} withArrow position="left">
      <Popover.Target>
        <Button
          color="red"
          variant="subtle"
          size="compact-sm"
          aria-label={`Revoke token ${token.name}`}
          onClick={() => setConfirming((open) => !open)}
        >
          Revoke
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Text size="sm" mb="xs">
          Revoke “{token.name}”? Anything using it stops working.
        </Text>
        {revoke.error && (
          <Text size="sm" c="red" role="alert" mb="xs">
            {errorMessage(revoke.error)}
          </Text>
        )}
        <Group gap="xs" justify="flex-end">
          <Button size="compact-sm" variant="default" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            size="compact-sm"
            color="red"
            loading={revoke.isPending}
            onClick={() => revoke.mutate(token.id)}
          >
            Confirm revoke
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
