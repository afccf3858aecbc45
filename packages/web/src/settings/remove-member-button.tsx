import type { Member } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { useCrmMembers } from '../people/use-crm-members';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { HandOverChoice, NO_ONE } from './hand-over-choice';
import { membersApi } from './settings-api';

/**
 * Removing ends the member's sessions and tokens here and hands back their work, so it asks
 * first, showing what they hold and letting another member take it over.
 */
export function RemoveMemberButton({ member }: { member: Member }) {
  const session = useCurrentSession();
  // Every member may take over, not only those on the table's pages shown.
  const others = useCrmMembers().members.filter((other) => other.id !== member.id);
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [handOverTo, setHandOverTo] = useState(NO_ONE);
  const taker = others.find((other) => other.id === handOverTo);
  const remove = useMutation({
    mutationFn: () => membersApi.remove(member.id, taker?.id ?? null),
    onSuccess: async () => {
      setConfirming(false);
      // Records may have changed owner everywhere: every list shown is read again.
      await queryClient.invalidateQueries();
    },
  });
  const outcome = taker
    ? `${taker.email} takes over the people and companies they own, their open deals and tasks, active sequence enrollments and unsolved tickets.`
    : 'their unsolved tickets become unassigned; people and deals they own keep them as owner.';
  return (
    <ConfirmActionButton
      label="Remove"
      ariaLabel={`Remove ${member.email}`}
      question={`Remove ${member.email} from ${session.workspace.name}? They are signed out here, their API tokens stop working, they leave their teams, and ${outcome}`}
      extra={<HandOverChoice member={member} others={others} value={handOverTo} onChange={setHandOverTo} />}
      confirmLabel="Confirm remove"
      opened={confirming}
      onOpenedChange={(opened) => {
        setConfirming(opened);
        if (opened) setHandOverTo(NO_ONE);
        else remove.reset();
      }}
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate()}
    />
  );
}
