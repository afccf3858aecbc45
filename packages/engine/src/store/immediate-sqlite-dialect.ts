import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/**
 * SQLite with `BEGIN IMMEDIATE` transactions. A deferred transaction that reads first and writes
 * later gets SQLITE_BUSY at once (no busy wait) when another connection — the pipeline's
 * thread, the WAL checkpointer — holds the write lock at that moment; taking the lock up front
 * waits for it instead (busy_timeout).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
