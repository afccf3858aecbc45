import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * People (profiles) with at least one event in [from, to), counted once. Read as ranges of the
 * (workspace, event, timestamp, profile) index, one per name given and one for unnamed calls
 * (identify, page), so only the period's rows are touched.
 */
export async function countActiveProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  options: { from: string; to: string; eventNames: readonly string[] },
): Promise<number> {
  const inRange = sql`workspace_id = ${workspaceId} and timestamp >= ${options.from} and timestamp < ${options.to}`;
  const ranges = [
    sql`select profile_id from profile_events where ${inRange} and event is null`,
    ...options.eventNames.map(
      (name) => sql`select profile_id from profile_events where ${inRange} and event = ${name}`,
    ),
  ];
  const { rows } = await sql<{ n: number | string }>`select count(distinct profile_id) as n from (
      ${sql.join(ranges, sql` union all `)}) activity`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Events of this name in [from, to): a count over one range of the name index. */
export async function countEventsNamedBetween(
  db: Kysely<Database>,
  workspaceId: string,
  options: { event: string; from: string; to: string },
): Promise<number> {
  const row = await db
    .selectFrom('profile_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('event', '=', options.event)
    .where('timestamp', '>=', options.from)
    .where('timestamp', '<', options.to)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
