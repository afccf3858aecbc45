import type { DeliveryStatus } from '@tandem/contract';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { deliveriesQueryKey, destinationsApi } from './destinations-api';

// Deliveries change state while the page is open (sent, retried, gone dead): follow them.
const REFRESH_MS = 3_000;

/** A destination's deliveries, newest first, optionally of one status; kept fresh while shown. */
export function useDeliveries(destinationId: string, status: DeliveryStatus | null) {
  const session = useCurrentSession();
  const query = useInfiniteQuery({
    queryKey: [...deliveriesQueryKey(session.workspace.id, destinationId), status],
    queryFn: ({ pageParam }) => destinationsApi.deliveries(destinationId, status, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    refetchInterval: REFRESH_MS,
  });
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.data) ?? [], [query.data]);
  return { ...query, items };
}
