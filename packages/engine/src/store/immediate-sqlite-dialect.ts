import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import type { WriteTurn } from './write-turn.js';

/**
 * SQLite with `BEGIN IMMEDIATE` transactions. A deferred transaction that reads first and writes
 * later gets SQLITE_BUSY at once (no busy wait) when another connection — the pipeline's
 * thread, the WAL checkpointer — holds the write lock at that moment; taking the lock up front
 * waits for it instead (busy_timeout). Between this process's threads the wait happens before
 * `BEGIN`, on the write turn, without blocking the thread.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly turn: WriteTurn,
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings, this.turn);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    settings: SqliteDialectConfig,
    private readonly turn: WriteTurn,
  ) {
    super(settings);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.turn.acquire();
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (error) {
      this.turn.release();
      throw error;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      this.turn.release();
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.turn.release();
    }
  }
}
