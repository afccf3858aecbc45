import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { membersApi, membersQueryKey } from '../settings/settings-api';

/** The workspace's members (owners and assignees of CRM records), with a way to name a user id. */
export function useCrmMembers() {
  const session = useCurrentSession();
  const members = useQuery({
    queryKey: [...membersQueryKey(session.workspace.id), 'all'],
    queryFn: () => membersApi.list(null),
    staleTime: 60_000,
  });
  const list = members.data?.data ?? [];
  const nameOf = (userId: string | null) => {
    if (userId === null) return null;
    if (userId === session.user.id) return 'Me';
    return list.find((member) => member.id === userId)?.email ?? userId;
  };
  const options = list.map((member) => ({
    value: member.id,
    label: member.id === session.user.id ? `Me (${member.email})` : member.email,
  }));
  return { options, nameOf, me: session.user.id };
}

/** Whether the signed-in role may change CRM records (a viewer only reads them). */
export function useCanWriteCrm(): boolean {
  return roleAllows(useCurrentSession().role, 'crm:write');
}
