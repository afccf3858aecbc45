import type { StoredEvent, StoredRejection } from '@tandem/contract';

/** One row of the debugger feed: an accepted event or a refused call. */
export type DebuggerItem =
  | { kind: 'event'; key: string; receivedAt: string; event: StoredEvent }
  | { kind: 'rejection'; key: string; receivedAt: string; rejection: StoredRejection };

export function eventItem(event: StoredEvent): DebuggerItem {
  return { kind: 'event', key: `event:${event.id}`, receivedAt: event.receivedAt, event };
}

export function rejectionItem(rejection: StoredRejection): DebuggerItem {
  const key = `rejection:${rejection.seq}:${rejection.receivedAt}:${rejection.message}`;
  return { kind: 'rejection', key, receivedAt: rejection.receivedAt, rejection };
}

/**
 * Seeded lists and live messages overlap (the stream opens before the seeds answer):
 * one row per item, newest first, at most `max`.
 */
export function mergeDebuggerItems(lists: readonly (readonly DebuggerItem[])[], max: number): DebuggerItem[] {
  const byKey = new Map<string, DebuggerItem>();
  for (const list of lists) for (const item of list) if (!byKey.has(item.key)) byKey.set(item.key, item);
  return [...byKey.values()]
    .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
    .slice(0, max);
}
