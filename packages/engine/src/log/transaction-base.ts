import { type Kysely, sql } from 'kysely';
import type { Database, StoreKind } from '../store/index.js';

/**
 * PostgreSQL: the log's horizon. Every event's `txid` is its transaction's id plus the store's
 * base, so below the oldest running transaction's id plus that base no event can still commit.
 */
export const LOG_HORIZON = sql<number>`(pg_snapshot_xmin(pg_current_snapshot())::text::bigint
  + (SELECT base FROM log_transaction_base WHERE id = 1))`;

/**
 * PostgreSQL: keeps new events ordered after every stored one. A store restored into another
 * cluster carries the ids of the cluster that wrote it; when they are ahead of this cluster's
 * counter, the base is raised past them, in the column's default and in the horizon together.
 * Returns the base when it was raised.
 */
export async function keepLogAheadOfStoredIds(
  db: Kysely<Database>,
  kind: StoreKind,
): Promise<bigint | undefined> {
  if (kind !== 'postgres') return undefined;
  // Checked first without taking an id or a lock: the usual start has nothing to do.
  if (!(await behind(db))) return undefined;
  return db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE log_transaction_base IN EXCLUSIVE MODE`.execute(trx);
    const state = await behind(trx);
    if (!state) return undefined;
    const base = state.highest - state.next + 1n;
    // The ids are computed here, never user input; a default cannot hold a parameter.
    await sql`ALTER TABLE events ALTER COLUMN txid
        SET DEFAULT (pg_current_xact_id()::text::bigint + ${sql.raw(base.toString())})`.execute(trx);
    await sql`UPDATE log_transaction_base SET base = ${base.toString()} WHERE id = 1`.execute(trx);
    return base;
  });
}

/** The store's highest txid and this cluster's next transaction id, when new ids would not pass it. */
async function behind(db: Kysely<Database>): Promise<{ highest: bigint; next: bigint } | undefined> {
  const { rows } = await sql<{ highest: string | null; next: string; base: string }>`SELECT
      (SELECT max(txid) FROM events)::text AS highest,
      pg_snapshot_xmax(pg_current_snapshot())::text AS next,
      (SELECT base FROM log_transaction_base WHERE id = 1)::text AS base`.execute(db);
  const row = rows[0];
  if (!row || row.highest === null) return undefined;
  const highest = BigInt(row.highest);
  const next = BigInt(row.next);
  return highest < next + BigInt(row.base) ? undefined : { highest, next };
}
