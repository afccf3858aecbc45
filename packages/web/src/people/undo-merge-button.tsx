import { Button, Group, Popover, Text } from '@mantine/core';
import type { ProfileMerge } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { profilesApi, profilesQueryKey } from './people-api';

type UndoMergeButtonProps = { profileId: string; merge: ProfileMerge };

/** Splitting a person in two moves events and traits back, so it asks once before doing it. */
export function UndoMergeButton({ profileId, merge }: UndoMergeButtonProps) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const unmerge = useMutation({
    mutationFn: profilesApi.unmerge,
    onSuccess: async () => {
      setConfirming(false);
      // Traits, identities, timeline, list and history all change: refresh every profile query.
      await queryClient.invalidateQueries({ queryKey: profilesQueryKey(session.workspace.id) });
    },
  });

  return (
    <Popover opened={confirming} onChange={setConfirming} withArrow position="left">
      <Popover.Target>
        <Button
          color="red"
          variant="subtle"
          size="compact-sm"
          aria-label={`Undo merge of ${merge.mergedId}`}
          onClick={() => setConfirming((open) => !open)}
        >
          Undo merge
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={320}>
        <Text size="sm" mb="xs">
          Split {merge.mergedId} off again, with the identifiers it brought and the events that name only
          those? The two will not be merged again.
        </Text>
        {unmerge.error && (
          <Text size="sm" c="red" role="alert" mb="xs">
            {errorMessage(unmerge.error)}
          </Text>
        )}
        <Group gap="xs" justify="flex-end">
          <Button size="compact-sm" variant="default" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            size="compact-sm"
            color="red"
            loading={unmerge.isPending}
            onClick={() => unmerge.mutate({ profileId, mergeId: merge.id })}
          >
            Confirm undo
          </Button>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
