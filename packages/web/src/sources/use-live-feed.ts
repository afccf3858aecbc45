import type { StoredEvent, StoredRejection } from '@tandem/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { type DebuggerItem, eventItem, mergeDebuggerItems, rejectionItem } from './debugger-item';
import { sourceDebuggerApi, sourceDebuggerQueryKey, sourceStatsQueryKey } from './source-debugger-api';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'closed' | 'paused';

// A debugger shows what just happened; older rows are a scroll too far to matter.
const MAX_ROWS = 200;
// Counting a big log is not free: refresh the counters at most this often while calls arrive.
const STATS_REFRESH_MS = 2_000;

/**
 * A source's latest events and rejections, seeded from the API and kept current by its live stream.
 * Mount it keyed by the source id: live rows belong to one source.
 */
export function useLiveFeed(sourceId: string) {
  const workspaceId = useCurrentSession().workspace.id;
  const queryClient = useQueryClient();
  const key = sourceDebuggerQueryKey(workspaceId, sourceId);
  const events = useQuery({
    queryKey: [...key, 'events'],
    queryFn: () => sourceDebuggerApi.events(sourceId),
  });
  const rejections = useQuery({
    queryKey: [...key, 'rejections'],
    queryFn: () => sourceDebuggerApi.rejections(sourceId),
  });
  const [live, setLive] = useState<DebuggerItem[]>([]);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [paused, setPaused] = useState(false);

  // Pausing keeps the rows on screen (to read them) and closes the stream until resumed.
  useEffect(() => {
    if (paused) {
      setStatus('paused');
      return;
    }
    setStatus('connecting');
    const stream = new EventSource(sourceDebuggerApi.livePath(sourceId));
    let statsTimer: ReturnType<typeof setTimeout> | undefined;
    const add = (item: DebuggerItem) => {
      setLive((items) => [item, ...items].slice(0, MAX_ROWS));
      statsTimer ??= setTimeout(() => {
        statsTimer = undefined;
        void queryClient.invalidateQueries({ queryKey: sourceStatsQueryKey(workspaceId, sourceId) });
      }, STATS_REFRESH_MS);
    };
    stream.addEventListener('ready', () => setStatus('live'));
    // The server writes these from the contract's StoredEvent and StoredRejection shapes.
    stream.addEventListener('event', (message) => add(eventItem(JSON.parse(message.data) as StoredEvent)));
    stream.addEventListener('rejection', (message) =>
      add(rejectionItem(JSON.parse(message.data) as StoredRejection)),
    );
    // EventSource reconnects by itself unless the server refused it (then it is closed).
    stream.onerror = () => setStatus(stream.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    return () => {
      clearTimeout(statsTimer);
      stream.close();
    };
  }, [sourceId, paused, queryClient, workspaceId]);

  const items = useMemo(
    () =>
      mergeDebuggerItems(
        [live, events.data?.data.map(eventItem) ?? [], rejections.data?.data.map(rejectionItem) ?? []],
        MAX_ROWS,
      ),
    [live, events.data, rejections.data],
  );

  const resume = () => {
    // Calls that arrived while paused never reached the stream: read them from the API.
    void queryClient.invalidateQueries({ queryKey: key });
    setPaused(false);
  };

  return {
    items,
    status,
    paused,
    pause: () => setPaused(true),
    resume,
    isPending: events.isPending || rejections.isPending,
    error: events.error ?? rejections.error,
    refetch: () => Promise.all([events.refetch(), rejections.refetch()]),
  };
}
