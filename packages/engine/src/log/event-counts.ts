import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Events whose timestamp lies in [from, to) (ISO instants): a count over one range of the
 * (workspace, timestamp) index, so its cost is the range's events, not the log's.
 */
export async function countEventsBetween(
  db: Kysely<Database>,
  workspaceId: string,
  range: { from: string; to: string },
): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('timestamp', '>=', range.from)
    .where('timestamp', '<', range.to)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A source's events (all time), counted up to `cap`: a bounded range of the (workspace, source, seq) index. */
export async function countEventsOfSource(
  db: Kysely<Database>,
  workspaceId: string,
  options: { sourceId: string; cap: number },
): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from (
      select 1 from events where workspace_id = ${workspaceId} and source_id = ${options.sourceId}
      limit ${options.cap}) counted`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
