import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { AppendRequest } from './log-writer.js';
import { eventRows } from './postgres-log-writer.js';

/**
 * Appends events inside a caller's transaction, so they commit (or roll back) with the caller's
 * other effects: the transactional outbox of stages that emit events (audience membership).
 * Duplicates of a (source, messageId) already in the log are skipped, as for collected calls.
 */
export async function appendWithin(db: Kysely<Database>, request: AppendRequest): Promise<void> {
  const rows = eventRows(request);
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insertInto('events')
      .values(rows.slice(start, start + 500))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}
