import { existsSync } from 'node:fs';
import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  DuckDBValue,
} from '@duckdb/node-api';
import type {
  AnalyticsEventRow,
  AnalyticsMerge,
  AnalyticsPersonRow,
  AnalyticsRow,
  AnalyticsStore,
} from './analytics-store.js';

export interface DuckDbAnalyticsOptions {
  /** A file (`analytics.duckdb` beside the SQLite store) or `:memory:`. */
  readonly path: string;
  /** DuckDB's worker threads (default: its own, every core). */
  readonly threads?: number | undefined;
  /** DuckDB's memory limit while a query runs, such as `512MB` (default 1GB). */
  readonly memoryLimit?: string | undefined;
}

/**
 * DuckDB's memory limit between queries: what it keeps of the copy's blocks while the pipeline
 * appends. DuckDB holds what it has read up to its limit and frees the rest when the limit drops.
 */
const RESTING_MEMORY_LIMIT = '64MB';

/** The embedded copy, and whether its file was made just now (then it holds nothing yet). */
export type DuckDbAnalyticsStore = AnalyticsStore & {
  readonly created: boolean;
  /** DuckDB's memory limit now, as it prints it (the query budget only while statements run). */
  currentMemoryLimit(): Promise<string>;
};

const CREATE_EVENTS = `CREATE TABLE IF NOT EXISTS analytics_events (
  workspace_id VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  profile_id VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  event VARCHAR NOT NULL,
  timestamp TIMESTAMP NOT NULL,
  source_id VARCHAR NOT NULL,
  properties JSON,
  utm_source VARCHAR,
  utm_medium VARCHAR,
  utm_campaign VARCHAR
)`;

const CREATE_PEOPLE = `CREATE TABLE IF NOT EXISTS analytics_people (
  workspace_id VARCHAR NOT NULL,
  profile_id VARCHAR NOT NULL,
  traits JSON NOT NULL,
  computed_traits JSON NOT NULL,
  audiences JSON NOT NULL,
  updated_at TIMESTAMP NOT NULL
)`;

// Staging tables (per connection): a batch's rows are appended here, then replace by key in one
// statement each. No primary key on the copy: an index would cost more than these joins.
const CREATE_STAGING = [
  'CREATE TEMP TABLE IF NOT EXISTS incoming_events AS SELECT * FROM analytics_events LIMIT 0',
  'CREATE TEMP TABLE IF NOT EXISTS incoming_people AS SELECT * FROM analytics_people LIMIT 0',
];

/** Ids per statement of an `IN (…)` list. */
const CHUNK = 500;

type DuckDbApi = typeof import('@duckdb/node-api');

/**
 * DuckDB's client (~35 MB with its native library) loads when a copy is first opened: only the
 * thread that owns the copy loads it. Set before any store exists.
 */
let duckdb: DuckDbApi | undefined;

/** The embedded analytics copy: a DuckDB database owned by the thread that opened it. */
export async function openDuckDbAnalytics(options: DuckDbAnalyticsOptions): Promise<DuckDbAnalyticsStore> {
  duckdb ??= await import('@duckdb/node-api');
  const budget = options.memoryLimit ?? '1GB';
  const resting = bytesOf(budget) < bytesOf(RESTING_MEMORY_LIMIT) ? budget : RESTING_MEMORY_LIMIT;
  const config: Record<string, string> = {
    memory_limit: resting,
    // Rows are appended in log order; nothing needs insertion order kept beyond that.
    preserve_insertion_order: 'false',
  };
  if (options.threads !== undefined) config.threads = String(options.threads);
  const created = options.path === ':memory:' || !existsSync(options.path);
  const instance = await duckdb.DuckDBInstance.create(options.path, config);
  const connection = await instance.connect();
  await connection.run('INSTALL json; LOAD json;').catch(() => undefined);
  await connection.run(CREATE_EVENTS);
  await connection.run(CREATE_PEOPLE);
  for (const statement of CREATE_STAGING) await connection.run(statement);
  // Statements (queries, privacy's deletes) on a connection of their own: they never land inside
  // a batch's open transaction, and DuckDB's MVCC keeps them from blocking it.
  const statements = await instance.connect();
  return new DuckDbStore(instance, { writer: connection, statements }, { budget, resting }, created);
}

type Param = string | number | boolean | null;

class DuckDbStore implements DuckDbAnalyticsStore {
  readonly dialect = 'duckdb' as const;
  private closed = false;
  private inTransaction = false;
  /**
   * The highest seq the copy holds (read once, then kept), in any workspace: rows past it cannot
   * replace anything, so they are appended straight to the table, the common case.
   */
  private highestSeq: number | undefined;

  private readonly connection: DuckDBConnection;
  private readonly statements: DuckDBConnection;

  /** Statements running under the query budget; the limit drops back when none is left. */
  private statementsRunning = 0;

  constructor(
    private readonly instance: DuckDBInstance,
    connections: { writer: DuckDBConnection; statements: DuckDBConnection },
    private readonly memory: { readonly budget: string; readonly resting: string },
    readonly created: boolean,
  ) {
    this.connection = connections.writer;
    this.statements = connections.statements;
  }

  async transaction<T>(work: (store: AnalyticsStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await work(this);
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      // What the rolled-back work appended is gone: read the highest seq again when needed.
      this.highestSeq = undefined;
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  append(rows: readonly AnalyticsEventRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    // Replacing by (workspace, seq): a batch copied again after a crash must not count twice.
    // The seq range lets DuckDB skip every row group outside it (min/max per group).
    return this.transaction(async () => {
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      for (const row of rows) {
        low = Math.min(low, row.seq);
        high = Math.max(high, row.seq);
      }
      this.highestSeq ??= await this.readHighestSeq();
      const fresh = low > this.highestSeq;
      const appender = fresh
        ? await this.connection.createAppender('analytics_events')
        : await this.connection.createAppender('incoming_events', 'main', 'temp');
      for (const row of rows) {
        appender.appendVarchar(row.workspaceId);
        appender.appendBigInt(BigInt(row.seq));
        appender.appendVarchar(row.profileId);
        appender.appendVarchar(row.type);
        appender.appendVarchar(row.event);
        appender.appendTimestamp(timestampOf(row.timestamp));
        appender.appendVarchar(row.sourceId);
        appendText(appender, row.properties);
        appendText(appender, row.utmSource);
        appendText(appender, row.utmMedium);
        appendText(appender, row.utmCampaign);
        appender.endRow();
      }
      appender.closeSync();
      this.highestSeq = Math.max(this.highestSeq, high);
      if (fresh) return;
      await this.connection.run(
        `DELETE FROM analytics_events WHERE seq BETWEEN $1 AND $2
           AND (workspace_id, seq) IN (SELECT workspace_id, seq FROM temp.incoming_events)`,
        [low, high],
      );
      await this.connection.run('INSERT INTO analytics_events SELECT * FROM temp.incoming_events');
      await this.connection.run('DELETE FROM temp.incoming_events');
    });
  }

  putPeople(rows: readonly AnalyticsPersonRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.transaction(async () => {
      const appender = await this.connection.createAppender('incoming_people', 'main', 'temp');
      for (const row of rows) {
        appender.appendVarchar(row.workspaceId);
        appender.appendVarchar(row.profileId);
        appender.appendVarchar(row.traits);
        appender.appendVarchar(row.computedTraits);
        appender.appendVarchar(row.audiences);
        appender.appendTimestamp(timestampOf(row.updatedAt));
        appender.endRow();
      }
      appender.closeSync();
      await this.connection.run(
        `DELETE FROM analytics_people
           WHERE (workspace_id, profile_id) IN (SELECT workspace_id, profile_id FROM temp.incoming_people)`,
      );
      await this.connection.run('INSERT INTO analytics_people SELECT * FROM temp.incoming_people');
      await this.connection.run('DELETE FROM temp.incoming_people');
    });
  }

  repoint(workspaceId: string, merges: readonly AnalyticsMerge[]): Promise<void> {
    if (merges.length === 0) return Promise.resolve();
    return this.transaction(async () => {
      for (let start = 0; start < merges.length; start += CHUNK) {
        const chunk = merges.slice(start, start + CHUNK);
        const pairs = chunk.map((_, i) => `($${2 * i + 2}, $${2 * i + 3})`).join(', ');
        const params = [workspaceId, ...chunk.flatMap((m) => [m.mergedId, m.survivorId])];
        await this.connection.run(
          `UPDATE analytics_events SET profile_id = m.survivor FROM (VALUES ${pairs}) AS m(merged, survivor)
             WHERE analytics_events.workspace_id = $1 AND analytics_events.profile_id = m.merged`,
          params,
        );
        await this.connection.run(
          `DELETE FROM analytics_people WHERE workspace_id = $1 AND profile_id IN (${chunk
            .map((_, i) => `$${i + 2}`)
            .join(', ')})`,
          [workspaceId, ...chunk.map((m) => m.mergedId)],
        );
      }
    });
  }

  removeProfiles(
    workspaceId: string,
    profileIds: readonly string[],
  ): Promise<{ events: number; people: number }> {
    return this.transaction(async () => {
      let events = 0;
      let people = 0;
      for (let start = 0; start < profileIds.length; start += CHUNK) {
        const chunk = profileIds.slice(start, start + CHUNK);
        const list = chunk.map((_, i) => `$${i + 2}`).join(', ');
        events += await this.changed(
          `DELETE FROM analytics_events WHERE workspace_id = $1 AND profile_id IN (${list})`,
          [workspaceId, ...chunk],
        );
        people += await this.changed(
          `DELETE FROM analytics_people WHERE workspace_id = $1 AND profile_id IN (${list})`,
          [workspaceId, ...chunk],
        );
      }
      return { events, people };
    });
  }

  async clear(): Promise<void> {
    await this.transaction(async () => {
      await this.connection.run('DELETE FROM analytics_events');
      await this.connection.run('DELETE FROM analytics_people');
    });
    this.highestSeq = 0;
  }

  async query(sql: string, params: readonly Param[] = []): Promise<AnalyticsRow[]> {
    return this.withBudget(async () => {
      const reader = await this.statements.runAndReadAll(sql, params as DuckDBValue[]);
      return reader.getRowObjects().map(plainRow);
    });
  }

  async execute(sql: string, params: readonly Param[] = []): Promise<void> {
    await this.withBudget(() => this.statements.run(sql, params as DuckDBValue[]));
  }

  /** The query budget while statements run; the resting limit (memory freed) once none is left. */
  private async withBudget<T>(work: () => Promise<T>): Promise<T> {
    if (this.statementsRunning++ === 0 && this.memory.budget !== this.memory.resting) {
      await this.setMemoryLimit(this.memory.budget);
    }
    try {
      return await work();
    } finally {
      if (--this.statementsRunning === 0 && this.memory.budget !== this.memory.resting && !this.closed) {
        await this.setMemoryLimit(this.memory.resting);
      }
    }
  }

  async currentMemoryLimit(): Promise<string> {
    const reader = await this.connection.runAndReadAll(`SELECT current_setting('memory_limit') AS m`);
    return String(reader.getRowObjects()[0]?.m);
  }

  private async setMemoryLimit(limit: string): Promise<void> {
    // Lowering fails when what is held cannot be evicted yet (a batch's open transaction): the
    // limit then stays up until the next statement ends. The limit is a size from settings.
    await this.statements.run(`SET memory_limit = '${limit}'`).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.statements.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async readHighestSeq(): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      'SELECT coalesce(max(seq), 0) AS seq FROM analytics_events',
    );
    return Number(reader.getRowObjects()[0]?.seq ?? 0);
  }

  /** Rows a DELETE or UPDATE changed. */
  private async changed(sql: string, params: readonly Param[]): Promise<number> {
    const result = await this.connection.run(sql, params as DuckDBValue[]);
    return Number(result.rowsChanged);
  }
}

/** Bytes of a DuckDB size such as `512MB` or `1GiB` (unknown units: as large as can be). */
export function bytesOf(size: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B?\s*$/i.exec(size);
  if (!match) return Number.POSITIVE_INFINITY;
  const power = ' KMGT'.indexOf((match[2] || ' ').toUpperCase());
  return Number(match[1]) * (match[3] ? 1024 : 1000) ** power;
}

/** The loaded client (a store exists, so its opening loaded it). */
function api(): DuckDbApi {
  if (!duckdb) throw new Error('DuckDB is used before any analytics copy was opened');
  return duckdb;
}

function timestampOf(iso: string): DuckDBTimestampValue {
  return new (api().DuckDBTimestampValue)(BigInt(Date.parse(iso)) * 1000n);
}

function appendText(appender: DuckDBAppender, value: string | null) {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

/** DuckDB values as plain JSON values: big integers as numbers, timestamps as ISO text. */
function plainRow(row: Record<string, DuckDBValue>): AnalyticsRow {
  const plain: AnalyticsRow = {};
  for (const [key, value] of Object.entries(row)) plain[key] = plainValue(value);
  return plain;
}

function plainValue(value: DuckDBValue): string | number | boolean | null {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof api().DuckDBTimestampValue)
    return new Date(Number(value.micros / 1000n)).toISOString();
  return String(value);
}
