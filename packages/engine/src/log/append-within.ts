import type { Kysely } from 'kysely';
import { type Database, prepared, rawSqliteOf } from '../store/index.js';
import type { AppendRequest } from './log-writer.js';
import { eventRows } from './postgres-log-writer.js';

const INSERT_EVENT = `INSERT INTO events (workspace_id, event_id, source_id, message_id, type, event, user_id,
   anonymous_id, timestamp, original_timestamp, sent_at, received_at, payload)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

/**
 * Appends events inside a caller's transaction, so they commit (or roll back) with the caller's
 * other effects: the transactional outbox of stages that emit events (audience membership).
 * Duplicates of a (source, messageId) already in the log are skipped, as for collected calls.
 */
export async function appendWithin(db: Kysely<Database>, request: AppendRequest): Promise<void> {
  // On SQLite, in a writeTransaction: one prepared statement per event (journeys append one per
  // timer fired; a compiled multi-row insert cost several times more per row).
  const sqlite = rawSqliteOf(db);
  if (sqlite) {
    const insert = prepared(sqlite, INSERT_EVENT);
    const { workspaceId, sourceId } = request;
    for (const e of request.events) {
      insert.run(
        workspaceId,
        e.id,
        sourceId,
        e.messageId,
        e.type,
        e.event,
        e.userId,
        e.anonymousId,
        e.timestamp,
        e.originalTimestamp,
        e.sentAt,
        e.receivedAt,
        e.payloadJson,
      );
    }
    return;
  }
  const rows = eventRows(request);
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insertInto('events')
      .values(rows.slice(start, start + 500))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}
