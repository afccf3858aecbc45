import type { Source } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { sourcesApi, sourcesQueryKey } from './sources-api';

/** Deleting stops the write key at once (events already received stay), so it asks first. */
export function DeleteSourceButton({ source }: { source: Source }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: sourcesApi.remove,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: sourcesQueryKey(session.workspace.id) });
    },
  });

  return (
    <ConfirmActionButton
      label="Delete"
      ariaLabel={`Delete source ${source.name}`}
      question={`Delete “${source.name}”? Its write key stops working at once; the events it sent stay.`}
      confirmLabel="Confirm delete"
      opened={confirming}
      onOpenedChange={(opened) => {
        setConfirming(opened);
        if (!opened) remove.reset();
      }}
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(source.id)}
    />
  );
}
