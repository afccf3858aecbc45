import type { Member } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { membersApi, membersQueryKey } from './settings-api';

/** Removing ends the member's sessions here and revokes their tokens, so it asks first. */
export function RemoveMemberButton({ member }: { member: Member }) {
  const session = useCurrentSession();
  return (
    <ConfirmedMutationButton
      label="Remove"
      ariaLabel={`Remove ${member.email}`}
      question={`Remove ${member.email} from ${session.workspace.name}? They are signed out here and their API tokens stop working.`}
      confirmLabel="Confirm remove"
      run={() => membersApi.remove(member.id)}
      invalidates={membersQueryKey(session.workspace.id)}
    />
  );
}
