import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
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
  const me = session.user.id;
  const data = members.data;
  // Kept while the members are the same, so tables memoizing their columns keep them.
  const nameOf = useCallback(
    (userId: string | null) => {
      if (userId === null) return null;
      if (userId === me) return 'Me';
      return data?.data.find((member) => member.id === userId)?.email ?? userId;
    },
    [data, me],
  );
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
