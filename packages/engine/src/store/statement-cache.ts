import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_STATEMENTS = 500;

/**
 * The SQLite connection as Kysely sees it, with prepared statements reused: Kysely prepares every
 * query anew, which cost more than running the query for the point reads behind profile lookups.
 * Statements are keyed by their SQL text; the least recently added one goes when the cache is full.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      // A statement still being iterated (a streamed query) cannot run again: prepare a fresh one.
      if (statement === undefined || statement.busy) {
        statement = sqlite.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value ?? '');
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
