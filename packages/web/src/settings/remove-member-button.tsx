import type { Member } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { membersApi, membersQueryKey } from './settings-api';

/** Removing ends the member's sessions here and revokes their tokens, so it asks first. */
export function RemoveMemberButton({ member }: { member: Member }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: membersApi.remove,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: membersQueryKey(session.workspace.id) });
    },
  });

  return (
    <ConfirmActionButton
      label="Remove"
      ariaLabel={`Remove ${member.email}`}
      question={`Remove ${member.email} from ${session.workspace.name}? They are signed out here and their API tokens stop working.`}
      confirmLabel="Confirm remove"
      opened={confirming}
      onOpenedChange={(opened) => {
        setConfirming(opened);
        if (!opened) remove.reset();
      }}
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(member.id)}
    />
  );
}
