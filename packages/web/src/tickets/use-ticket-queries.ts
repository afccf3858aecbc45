import { roleAllows, type TicketListItem } from '@tandem/contract';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { profilesQueryKey } from '../people/people-api';
import { teamsApi } from '../teams/teams-api';
import { LIVE_REFRESH_MS, type TicketFilter, ticketKey, ticketsApi, ticketsQueryKey } from './tickets-api';

/** After a ticket write, when the requester's timeline shows its events. */
const TIMELINE_CATCH_UP_MS = 1500;

/** The inbox's tickets for a filter, refreshed every few seconds (live updates by polling). */
export function useTicketInbox(filter: TicketFilter) {
  const session = useCurrentSession();
  const query = useInfiniteQuery({
    queryKey: [...ticketsQueryKey(session.workspace.id), 'list', filter],
    queryFn: ({ pageParam }) => ticketsApi.list(filter, pageParam),
    initialPageParam: null as string | null, // the first page has no cursor
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    refetchInterval: LIVE_REFRESH_MS,
  });
  const items: TicketListItem[] = useMemo(() => query.data?.pages.flatMap((p) => p.data) ?? [], [query.data]);
  return { ...query, items };
}

export function useTicket(ticketId: string) {
  const session = useCurrentSession();
  return useQuery({
    queryKey: ticketKey(session.workspace.id, ticketId),
    queryFn: () => ticketsApi.get(ticketId),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** After any ticket write: every tickets query of the workspace looks again. */
export function useTicketMutation<I, O>(mutationFn: (input: I) => Promise<O>, onDone?: (result: O) => void) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async (result) => {
      // The requester's timeline gets the ticket's events once the pipeline has read them.
      setTimeout(() => {
        void queryClient.invalidateQueries({ queryKey: profilesQueryKey(session.workspace.id) });
      }, TIMELINE_CATCH_UP_MS);
      await queryClient.invalidateQueries({ queryKey: ticketsQueryKey(session.workspace.id) });
      onDone?.(result);
    },
  });
}

export function useTeams() {
  const session = useCurrentSession();
  return useQuery({
    queryKey: ['teams', session.workspace.id],
    queryFn: () => teamsApi.list(),
    staleTime: 60_000,
  });
}

/** Whether the signed-in role may work tickets (support, admins, owners). */
export function useCanWorkTickets(): boolean {
  return roleAllows(useCurrentSession().role, 'tickets:write');
}
