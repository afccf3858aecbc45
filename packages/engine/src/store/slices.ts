import { type Kysely, sql } from 'kysely';
import { writeTransaction } from './raw-sqlite.js';
import type { Database } from './schema.js';

/** Rows one slice of a large removal touches: short enough that ingestion barely waits on the write lock. */
export const SLICE_ROWS = 2_000;
// Profile ids per DELETE statement of a slice.
const IDS_PER_STATEMENT = 500;

/**
 * Runs `slice` in write transactions of its own until it touches no row; answers the total.
 * A large removal (an audience's million members) goes this way, so ingestion and the pipeline
 * get the write lock between slices instead of waiting seconds for one statement.
 */
export async function inSlices(
  store: Parameters<typeof writeTransaction>[0],
  slice: (trx: Kysely<Database>) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const touched = await writeTransaction(store, slice);
    if (touched === 0) return total;
    total += touched;
  }
}

/**
 * Deletes a workspace's per-profile rows of one owner (`audience_members` of an audience,
 * `computed_trait_values` of a trait) a slice at a time, each slice by primary key.
 */
export function deleteProfileRowsInSlices(
  store: Parameters<typeof writeTransaction>[0],
  owner: {
    readonly table: 'audience_members' | 'computed_trait_values';
    readonly column: 'audience_id' | 'trait_id';
    readonly workspaceId: string;
    readonly id: string;
  },
): Promise<number> {
  const { workspaceId, id } = owner;
  const table = sql.table(owner.table);
  const column = sql.ref(owner.column);
  return inSlices(store, async (trx) => {
    const { rows } = await sql<{ profile_id: string }>`SELECT profile_id FROM ${table}
      WHERE workspace_id = ${workspaceId} AND ${column} = ${id} LIMIT ${SLICE_ROWS}`.execute(trx);
    for (let i = 0; i < rows.length; i += IDS_PER_STATEMENT) {
      const ids = rows.slice(i, i + IDS_PER_STATEMENT).map((row) => row.profile_id);
      await sql`DELETE FROM ${table} WHERE workspace_id = ${workspaceId} AND ${column} = ${id}
        AND profile_id IN (${sql.join(ids)})`.execute(trx);
    }
    return rows.length;
  });
}
