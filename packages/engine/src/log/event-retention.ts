import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** Which raw events a retention pass removes: one name, or every name not excepted. */
export interface EventRetentionBatch {
  readonly workspaceId: string;
  /** Events that happened, and were received, before this (ISO 8601) go. */
  readonly before: string;
  /** One event name; or, for the default policy, null with `exceptEvents` naming the others. */
  readonly event: string | null;
  readonly exceptEvents?: readonly string[] | undefined;
  readonly limit: number;
}

/**
 * Removes up to `limit` old raw events from the log, oldest first, and says how many went.
 * Retention calls it in a loop, one short transaction per batch, so ingestion waits at most one
 * batch for the write lock. An event goes once both its time and its arrival are older than the
 * cutoff: a backfill of old events is kept its full term after it arrived. Profiles, traits and
 * the per-person event index the pipeline built stay (projections keep what they derived).
 */
export async function removeEventsBefore(db: Kysely<Database>, batch: EventRetentionBatch): Promise<number> {
  let query = db
    .selectFrom('events')
    .select('seq')
    .where('workspace_id', '=', batch.workspaceId)
    .where('timestamp', '<', batch.before)
    .where('received_at', '<', batch.before);
  const excepted = [...(batch.exceptEvents ?? [])];
  if (batch.event !== null) query = query.where('event', '=', batch.event);
  else if (excepted.length > 0)
    query = query.where((eb) => eb.or([eb('event', 'is', null), eb('event', 'not in', excepted)]));
  const old = await query.orderBy('timestamp').limit(batch.limit).execute();
  if (old.length === 0) return 0;
  const removed = await db
    .deleteFrom('events')
    .where('workspace_id', '=', batch.workspaceId)
    .where(
      'seq',
      'in',
      old.map((event) => event.seq),
    )
    .executeTakeFirst();
  return Number(removed.numDeletedRows);
}
