import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { AnalyticsEventRow, AnalyticsRow, AnalyticsStore } from './analytics-store.js';

export interface DuckDbAnalyticsOptions {
  /** A file (`analytics.duckdb` beside the SQLite store) or `:memory:`. */
  readonly path: string;
  /** DuckDB's worker threads (default: its own, every core). */
  readonly threads?: number | undefined;
  /** DuckDB's memory limit, such as `512MB` (default 25 % of the machine, at most 1 GB). */
  readonly memoryLimit?: string | undefined;
}

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

/** The embedded analytics copy: a DuckDB database owned by the thread that opened it. */
export async function openDuckDbAnalytics(options: DuckDbAnalyticsOptions): Promise<AnalyticsStore> {
  const config: Record<string, string> = {
    memory_limit: options.memoryLimit ?? defaultMemoryLimit(),
    // Rows are appended in log order; nothing needs insertion order kept beyond that.
    preserve_insertion_order: 'false',
  };
  if (options.threads !== undefined) config.threads = String(options.threads);
  const instance = await DuckDBInstance.create(options.path, config);
  const connection = await instance.connect();
  await connection.run('INSTALL json; LOAD json;').catch(() => undefined);
  await connection.run(CREATE_EVENTS);
  return new DuckDbAnalyticsStore(instance, connection);
}

function defaultMemoryLimit(): string {
  return '1GB';
}

class DuckDbAnalyticsStore implements AnalyticsStore {
  readonly dialect = 'duckdb' as const;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  async append(rows: readonly AnalyticsEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    // Replacing by (workspace, seq): a batch copied again after a crash must not count twice.
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const seqs = rows.map((row) => row.seq);
      const low = Math.min(...seqs);
      const high = Math.max(...seqs);
      const workspaces = [...new Set(rows.map((row) => row.workspaceId))];
      for (const workspaceId of workspaces) {
        await this.connection.run(
          'DELETE FROM analytics_events WHERE workspace_id = $1 AND seq BETWEEN $2 AND $3',
          [workspaceId, low, high],
        );
      }
      const appender = await this.connection.createAppender('analytics_events');
      for (const row of rows) {
        appender.appendVarchar(row.workspaceId);
        appender.appendBigInt(BigInt(row.seq));
        appender.appendVarchar(row.profileId);
        appender.appendVarchar(row.type);
        appender.appendVarchar(row.event);
        appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Date.parse(row.timestamp)) * 1000n));
        appender.appendVarchar(row.sourceId);
        appendText(appender, row.properties);
        appendText(appender, row.utmSource);
        appendText(appender, row.utmMedium);
        appendText(appender, row.utmCampaign);
        appender.endRow();
      }
      appender.closeSync();
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async query(
    sql: string,
    params: readonly (string | number | boolean | null)[] = [],
  ): Promise<AnalyticsRow[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjects().map(plainRow);
  }

  async execute(sql: string, params: readonly (string | number | boolean | null)[] = []): Promise<void> {
    await this.connection.run(sql, params as DuckDBValue[]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function appendText(
  appender: { appendVarchar(value: string): void; appendNull(): void },
  value: string | null,
) {
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
  if (value instanceof DuckDBTimestampValue) return new Date(Number(value.micros / 1000n)).toISOString();
  return String(value);
}
