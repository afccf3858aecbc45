import type { Invitation } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { invitationsApi, invitationsQueryKey } from './settings-api';

export function WithdrawInvitationButton({ invitation }: { invitation: Invitation }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const withdraw = useMutation({
    mutationFn: invitationsApi.withdraw,
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: invitationsQueryKey(session.workspace.id) });
    },
  });

  return (
    <ConfirmActionButton
      label="Withdraw"
      ariaLabel={`Withdraw the invitation of ${invitation.email}`}
      question={`Withdraw the invitation of ${invitation.email}? Its link stops working.`}
      confirmLabel="Confirm withdraw"
      opened={confirming}
      onOpenedChange={(opened) => {
        setConfirming(opened);
        if (!opened) withdraw.reset();
      }}
      pending={withdraw.isPending}
      error={withdraw.error}
      onConfirm={() => withdraw.mutate(invitation.id)}
    />
  );
}
