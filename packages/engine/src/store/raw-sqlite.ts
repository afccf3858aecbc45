import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// Hot paths (the pipeline's batches) use prepared statements on SQLite. They find the raw handle
// from the transaction they were given, registered here, so domain functions keep one signature.
const handles = new WeakMap<Kysely<Database>, BetterSqlite3.Database>();
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** Runs `work` in a transaction; on SQLite, its raw handle is reachable through `rawSqliteOf`. */
export function writeTransaction<T>(
  store: { db: Kysely<Database>; sqlite: BetterSqlite3.Database | undefined },
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return store.db.transaction().execute((trx) => {
    // Same single connection as the transaction: raw statements run inside it.
    if (store.sqlite) handles.set(trx, store.sqlite);
    return work(trx);
  });
}

/** The raw SQLite handle behind a transaction opened by `writeTransaction`, else undefined. */
export function rawSqliteOf(db: Kysely<Database>): BetterSqlite3.Database | undefined {
  return handles.get(db);
}

/** A statement prepared once per connection. */
export function prepared(sqlite: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statements.get(sqlite);
  if (!cache) {
    cache = new Map();
    statements.set(sqlite, cache);
  }
  let statement = cache.get(text);
  if (!statement) {
    statement = sqlite.prepare(text);
    cache.set(text, statement);
  }
  return statement;
}
