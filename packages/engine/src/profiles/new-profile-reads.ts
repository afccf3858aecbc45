import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Profiles created in [from, to) by UTC day, those merged into another since left out. No index
 * leads with the creation time: one pass over the workspace's profiles, whatever the period.
 */
export async function newProfilesByDay(
  db: Kysely<Database>,
  workspaceId: string,
  range: { from: string; to: string },
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('profiles')
    .select([sql<string>`substr(created_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to)
    .groupBy(sql`substr(created_at, 1, 10)`)
    .execute();
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
}
