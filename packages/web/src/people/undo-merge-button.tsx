import type { ProfileMerge } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
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
    <ConfirmActionButton
      label="Undo merge"
      ariaLabel={`Undo merge of ${merge.mergedId}`}
      question={`Split ${merge.mergedId} off again, with the identifiers it brought and the events that name only those? The two will not be merged again.`}
      confirmLabel="Confirm undo"
      opened={confirming}
      onOpenedChange={setConfirming}
      pending={unmerge.isPending}
      error={unmerge.error}
      onConfirm={() => unmerge.mutate({ profileId, mergeId: merge.id })}
    />
  );
}
