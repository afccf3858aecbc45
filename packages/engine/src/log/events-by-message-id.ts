import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { storedEventOf } from './log-queries.js';

// A source's events looked up by message id (the log's dedupe key): one query per 1,000 ids,
// a range of the (workspace, source, message id) key each.
const CHUNK = 1000;

/** A source and the message ids to look up in its events. */
export interface MessageIdScope {
  readonly workspaceId: string;
  readonly sourceId: string;
  readonly messageIds: readonly string[];
}

/** The source's stored events with these message ids, in no particular order. */
export async function eventsWithMessageIds(
  db: Kysely<Database>,
  scope: MessageIdScope,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let start = 0; start < scope.messageIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .where('source_id', '=', scope.sourceId)
      .where('message_id', 'in', scope.messageIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) events.push(storedEventOf(row));
  }
  return events;
}

/** Which of these message ids the source's log holds. */
export async function storedMessageIds(db: Kysely<Database>, scope: MessageIdScope): Promise<Set<string>> {
  const stored = new Set<string>();
  for (let start = 0; start < scope.messageIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('events')
      .select('message_id')
      .where('workspace_id', '=', scope.workspaceId)
      .where('source_id', '=', scope.sourceId)
      .where('message_id', 'in', scope.messageIds.slice(start, start + CHUNK))
      .execute();
    for (const { message_id } of rows) stored.add(message_id);
  }
  return stored;
}
