import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Events by UTC day of their timestamp in [from, to) (ISO instants), read from the
 * (workspace, timestamp) index alone: the cost is the number of events in the range, not the log's.
 */
export async function eventCountsByDay(
  db: Kysely<Database>,
  workspaceId: string,
  range: { from: string; to: string },
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('events')
    .select([sql<string>`substr(timestamp, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('timestamp', '>=', range.from)
    .where('timestamp', '<', range.to)
    .groupBy(sql`substr(timestamp, 1, 10)`)
    .execute();
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
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
