import type { Invitation } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { invitationsApi, invitationsQueryKey } from './settings-api';

/** Withdrawing ends the invitation's link, so it asks first. */
export function WithdrawInvitationButton({ invitation }: { invitation: Invitation }) {
  const session = useCurrentSession();
  return (
    <ConfirmedMutationButton
      label="Withdraw"
      ariaLabel={`Withdraw the invitation of ${invitation.email}`}
      question={`Withdraw the invitation of ${invitation.email}? Its link stops working.`}
      confirmLabel="Confirm withdraw"
      run={() => invitationsApi.withdraw(invitation.id)}
      invalidates={invitationsQueryKey(session.workspace.id)}
    />
  );
}
