import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { FORMER_MEMBER, membersApi, membersQueryKey } from '../settings/settings-api';
import { dealsApi, pipelinesKey, reportKey } from './deals-api';

/** The workspace's pipelines (made on first use: there is always one). */
export function usePipelines() {
  const session = useCurrentSession();
  return useQuery({ queryKey: pipelinesKey(session.workspace.id), queryFn: dealsApi.pipelines });
}

/** Open deals of a pipeline per stage: counts, totals, weighted totals. */
export function usePipelineReport(pipelineId: string | null) {
  const session = useCurrentSession();
  return useQuery({
    queryKey: reportKey(session.workspace.id, 'pipeline', pipelineId),
    queryFn: () => dealsApi.pipelineReport(pipelineId ?? ''),
    enabled: pipelineId !== null,
  });
}

/** The workspace's members (possible deal owners): id → email. */
export function useMembers() {
  const session = useCurrentSession();
  const members = useQuery({
    queryKey: [...membersQueryKey(session.workspace.id), 'all'],
    queryFn: () => membersApi.all(),
    staleTime: 60_000,
  });
  const list = members.data ?? [];
  const data = members.data;
  // Kept while the members are the same, so tables memoizing their columns keep them.
  const emailOf = useCallback(
    (id: string | null) => {
      if (!id) return null;
      return data?.find((m) => m.id === id)?.email ?? (data ? FORMER_MEMBER : id);
    },
    [data],
  );
  return { list, emailOf };
}
