import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SelectQueryNode,
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
 * `BEGIN` (or before a write outside any transaction), on the write turn, without blocking.
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
  private inTransaction = false;
  private turnTaking: DatabaseConnection | undefined;

  constructor(
    settings: SqliteDialectConfig,
    private readonly turn: WriteTurn,
  ) {
    super(settings);
  }

  /** The one connection, whose writes outside transactions also wait for the write turn. */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.turnTaking ??= {
      executeQuery: <R>(query: CompiledQuery) =>
        this.inTransaction || isRead(query)
          ? connection.executeQuery<R>(query)
          : this.turn.hold(() => connection.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
        connection.streamQuery<R>(query, chunkSize),
    };
    return this.turnTaking;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.turn.acquire();
    this.inTransaction = true;
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (error) {
      this.endTransaction();
      throw error;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      this.endTransaction();
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.endTransaction();
    }
  }

  private endTransaction(): void {
    this.inTransaction = false;
    this.turn.release();
  }
}

/** Statements that cannot write: everything else takes the write turn. */
function isRead(query: CompiledQuery): boolean {
  return SelectQueryNode.is(query.query) || /^\s*(select|pragma|explain)\b/i.test(query.sql);
}
