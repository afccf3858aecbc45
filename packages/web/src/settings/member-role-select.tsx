import type { Member, Role } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { RoleSelect } from './role-select';
import { membersApi, membersQueryKey } from './settings-api';

/** A member's role, changed as soon as another one is picked; a refusal shows under the field. */
export function MemberRoleSelect({ member, roles }: { member: Member; roles: readonly Role[] }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: membersApi.changeRole,
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersQueryKey(session.workspace.id) }),
  });
  // While the change is on its way, show the picked role rather than the stored one.
  const shown = change.isPending ? change.variables.role : member.role;

  return (
    <RoleSelect
      label={`Role of ${member.email}`}
      hideLabel
      size="xs"
      roles={roles}
      value={shown}
      disabled={change.isPending}
      error={change.error ? errorMessage(change.error) : undefined}
      onChange={(role) => {
        if (role !== member.role) change.mutate({ userId: member.id, role });
      }}
    />
  );
}
