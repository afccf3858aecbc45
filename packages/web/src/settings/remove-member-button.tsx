import type { Member } from '@tandem/contract';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { membersApi, membersQueryKey } from './settings-api';

/** Removing ends the member's sessions and tokens here and hands back their work, so it asks first. */
export function RemoveMemberButton({ member }: { member: Member }) {
  const session = useCurrentSession();
  return (
    <ConfirmedMutationButton
      label="Remove"
      ariaLabel={`Remove ${member.email}`}
      question={`Remove ${member.email} from ${session.workspace.name}? They are signed out here, their API tokens stop working, they leave their teams, and their unsolved tickets become unassigned; people and deals they own keep them as owner.`}
      confirmLabel="Confirm remove"
      run={() => membersApi.remove(member.id)}
      invalidates={membersQueryKey(session.workspace.id)}
    />
  );
}
