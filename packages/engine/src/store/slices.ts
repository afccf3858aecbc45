import type { Kysely } from 'kysely';
import { writeTransaction } from './raw-sqlite.js';
import type { Database } from './schema.js';

/** Rows one slice of a large removal touches: a few tens of milliseconds of the write lock. */
export const SLICE_ROWS = 2_000;

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
