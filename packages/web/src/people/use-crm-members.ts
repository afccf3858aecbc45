import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { FORMER_MEMBER, membersApi, membersQueryKey } from '../settings/settings-api';

/** The workspace's members (owners and assignees of CRM records), with a way to name a user id. */
export function useCrmMembers() {
  const session = useCurrentSession();
  const members = useQuery({
    queryKey: [...membersQueryKey(session.workspace.id), 'all'],
    queryFn: () => membersApi.all(),
    staleTime: 60_000,
  });
  const list = members.data ?? [];
  const me = session.user.id;
  const data = members.data;
  // Kept while the members are the same, so tables memoizing their columns keep them.
  const nameOf = useCallback(
    (userId: string | null) => {
      if (userId === null) return null;
      if (userId === me) return 'Me';
      const member = data?.find((candidate) => candidate.id === userId);
      if (member) return member.email;
      // Until the members are read, the id; after, someone no longer here.
      return data ? FORMER_MEMBER : userId;
    },
    [data, me],
  );
  const options = list.map((member) => ({
    value: member.id,
    label: member.id === session.user.id ? `Me (${member.email})` : member.email,
  }));
  return { members: list, options, nameOf, me: session.user.id };
}

/** Whether the signed-in role may change CRM records (a viewer only reads them). */
export function useCanWriteCrm(): boolean {
  return roleAllows(useCurrentSession().role, 'crm:write');
}
