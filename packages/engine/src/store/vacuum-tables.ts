import { type Kysely, sql } from 'kysely';
import type { StoreKind } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Reclaims deleted rows' space so no copy of them stays readable. PostgreSQL keeps dead tuples
 * until a VACUUM (run here, outside any transaction). SQLite connections run with
 * `secure_delete`, which zeroes deleted content in the database at once; the write-ahead log
 * still holds earlier copies of the pages until it is checkpointed and truncated.
 */
export async function vacuumTables(db: Kysely<Database>, kind: StoreKind, tables: readonly string[]) {
  if (kind === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return;
  }
  const existing = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema()`.execute(db);
  const known = new Set(existing.rows.map((row) => row.name));
  for (const table of new Set(tables))
    if (known.has(table)) await sql`VACUUM ${sql.table(table)}`.execute(db);
}
