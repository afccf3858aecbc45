import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Store } from './open-store.js';

// Attempts at truncating the WAL while other connections (the pipeline's, the log writer's)
// are mid-transaction, each never waiting: the event loop is not held while they finish.
const WAL_TRUNCATE_ATTEMPTS = 50;
const WAL_TRUNCATE_RETRY_MS = 100;

/**
 * Reclaims deleted rows' space so no copy of them stays readable. PostgreSQL keeps dead tuples
 * until a VACUUM (run here, outside any transaction). SQLite connections run with
 * `secure_delete`, which zeroes deleted content in the database at once; the write-ahead log
 * still holds earlier copies of the pages until it is checkpointed and truncated.
 */
export async function vacuumTables(store: Store, tables: readonly string[]): Promise<void> {
  if (store.kind === 'sqlite') {
    // Off the event loop, in the checkpointer's thread, when the store has one.
    if (store.truncateWal) await store.truncateWal();
    else await truncateWal(store);
    return;
  }
  const existing = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema()`.execute(store.db);
  const known = new Set(existing.rows.map((row) => row.name));
  for (const table of new Set(tables))
    if (known.has(table)) await sql`VACUUM ${sql.table(table)}`.execute(store.db);
}

/** Checkpoints the WAL into the database and truncates it, retrying while other connections are busy. */
async function truncateWal(store: Store): Promise<void> {
  const sqlite = store.sqlite;
  if (!sqlite || store.location === ':memory:') return;
  for (let attempt = 0; attempt < WAL_TRUNCATE_ATTEMPTS; attempt += 1) {
    // One synchronous sequence: no other query of this connection runs without its busy timeout.
    const previous = sqlite.pragma('busy_timeout', { simple: true }) as number;
    sqlite.pragma('busy_timeout = 0');
    let busy = true;
    try {
      const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      busy = result?.busy !== 0;
    } catch {
      // SQLITE_BUSY: another connection holds the lock right now.
    } finally {
      sqlite.pragma(`busy_timeout = ${previous}`);
    }
    if (!busy) return;
    await delay(WAL_TRUNCATE_RETRY_MS);
  }
}
