import type { CallType, RejectionCode, SourceStats, StoredEvent, StoredRejection } from '@tandem/contract';
import type { Selectable } from 'kysely';
import { type EventsTable, fromJson, type RejectionsTable, type Store } from '../store/index.js';

/** Which of a source's latest calls to read: `limit` of them, older than `beforeSeq` when given. */
export interface RecentScope {
  readonly workspaceId: string;
  readonly sourceId: string;
  readonly limit: number;
  readonly beforeSeq?: number | undefined;
}

/** Reads of the log for one source, newest first; every query is scoped by workspace. */
export async function recentEvents(store: Store, scope: RecentScope): Promise<StoredEvent[]> {
  let query = store.db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('source_id', '=', scope.sourceId)
    .orderBy('seq', 'desc')
    .limit(scope.limit);
  if (scope.beforeSeq !== undefined) query = query.where('seq', '<', scope.beforeSeq);
  return (await query.execute()).map(storedEventOf);
}

export async function recentRejections(store: Store, scope: RecentScope): Promise<StoredRejection[]> {
  let query = store.db
    .selectFrom('rejections')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('source_id', '=', scope.sourceId)
    .orderBy('seq', 'desc')
    .limit(scope.limit);
  if (scope.beforeSeq !== undefined) query = query.where('seq', '<', scope.beforeSeq);
  return (await query.execute()).map(storedRejectionOf);
}

export async function sourceStats(
  store: Store,
  scope: { workspaceId: string; sourceId: string },
): Promise<SourceStats> {
  const [events, rejections, last] = await Promise.all([
    store.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('workspace_id', '=', scope.workspaceId)
      .where('source_id', '=', scope.sourceId)
      .executeTakeFirstOrThrow(),
    store.db
      .selectFrom('rejections')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('workspace_id', '=', scope.workspaceId)
      .where('source_id', '=', scope.sourceId)
      .executeTakeFirstOrThrow(),
    store.db
      .selectFrom('events')
      .select('received_at')
      .where('workspace_id', '=', scope.workspaceId)
      .where('source_id', '=', scope.sourceId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return {
    events: Number(events.count),
    rejections: Number(rejections.count),
    lastEventAt: last?.received_at ?? null,
  };
}

/** A log row as the API shows it. */
export function storedEventOf(row: Selectable<EventsTable>): StoredEvent {
  return {
    id: row.event_id,
    seq: Number(row.seq),
    sourceId: row.source_id,
    messageId: row.message_id,
    // Only collect/ writes these rows, always with one of the call types.
    type: row.type as CallType,
    event: row.event,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    timestamp: row.timestamp,
    originalTimestamp: row.original_timestamp,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    payload: fromJson<Record<string, unknown>>(row.payload),
  };
}

function storedRejectionOf(row: Selectable<RejectionsTable>): StoredRejection {
  return {
    seq: row.seq,
    sourceId: row.source_id,
    // Only collect/ writes these rows, always with a code of the catalogue.
    code: row.code as RejectionCode,
    message: row.message,
    payload: fromJson<unknown>(row.payload),
    receivedAt: row.received_at,
  };
}
