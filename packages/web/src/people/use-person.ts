import type { UpdatePerson } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey, peopleApi } from './crm-api';
import { profilesQueryKey } from './people-api';

/** After a CRM write the pipeline adds its events to the timeline shortly; look again then. */
const TIMELINE_CATCH_UP_MS = 1500;

/** The CRM view of a person, and how to change it. */
export function usePerson(profileId: string) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const person = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'person', profileId],
    queryFn: () => peopleApi.get(profileId),
  });
  const refreshAfterWrite = useRefreshAfterCrmWrite();
  const update = useMutation({
    mutationFn: (patch: UpdatePerson) => peopleApi.update({ profileId, patch }),
    onSuccess: async (next) => {
      queryClient.setQueryData([...crmQueryKey(session.workspace.id), 'person', profileId], next);
      await refreshAfterWrite();
    },
  });
  return { person, update };
}

/** Refreshes CRM lists now, and the profile (traits, timeline) now and once the pipeline caught up. */
export function useRefreshAfterCrmWrite() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  return async () => {
    const workspaceId = session.workspace.id;
    setTimeout(() => {
      void queryClient.invalidateQueries({ queryKey: profilesQueryKey(workspaceId) });
    }, TIMELINE_CATCH_UP_MS);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: crmQueryKey(workspaceId) }),
      queryClient.invalidateQueries({ queryKey: profilesQueryKey(workspaceId) }),
    ]);
  };
}
