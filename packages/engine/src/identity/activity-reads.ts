import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * People (profiles) with at least one event, by UTC day of the event's timestamp, in [from, to).
 * Read as ranges of the (workspace, event, timestamp, profile) index, one per name given and one
 * for unnamed calls (identify, page), so only the period's rows are touched.
 */
export async function activeProfilesByDay(
  db: Kysely<Database>,
  workspaceId: string,
  options: { from: string; to: string; eventNames: readonly string[] },
): Promise<Map<string, number>> {
  const inRange = sql`workspace_id = ${workspaceId} and timestamp >= ${options.from} and timestamp < ${options.to}`;
  const named =
    options.eventNames.length === 0
      ? sql``
      : sql`union all select substr(timestamp, 1, 10) as day, profile_id from profile_events
          where ${inRange} and event in (${sql.join(options.eventNames)})`;
  const { rows } = await sql<{
    day: string;
    n: number | string;
  }>`select day, count(distinct profile_id) as n from (
      select substr(timestamp, 1, 10) as day, profile_id from profile_events where ${inRange} and event is null
      ${named}) activity group by day`.execute(db);
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
}

/** Named events in [from, to) by UTC day and name, read from the same index ranges. */
export async function eventCountsByDayAndName(
  db: Kysely<Database>,
  workspaceId: string,
  options: { from: string; to: string; eventNames: readonly string[] },
): Promise<{ day: string; event: string; count: number }[]> {
  if (options.eventNames.length === 0) return [];
  const { rows } = await sql<{ day: string; event: string; n: number | string }>`
    select substr(timestamp, 1, 10) as day, event, count(*) as n from profile_events
    where workspace_id = ${workspaceId} and event in (${sql.join(options.eventNames)})
      and timestamp >= ${options.from} and timestamp < ${options.to}
    group by event, substr(timestamp, 1, 10)`.execute(db);
  return rows.map((row) => ({ day: row.day, event: row.event, count: Number(row.n) }));
}
