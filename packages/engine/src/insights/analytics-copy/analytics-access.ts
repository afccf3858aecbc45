import type { Store } from '../../store/index.js';
import {
  type AnalyticsDialect,
  type AnalyticsRow,
  type AnalyticsStore,
  postgresAnalytics,
} from '../analytics-store/index.js';
import type { EmbeddedCopy } from './embedded-copy.js';

export type AnalyticsParam = string | number | boolean | null;

/** The engine's one reader of the analytics copy, from any thread: `engine.analytics`. */
export interface AnalyticsReader {
  readonly dialect: AnalyticsDialect;
  /** A statement with positional `$1…` parameters; its rows. */
  query(sql: string, params?: readonly AnalyticsParam[]): Promise<AnalyticsRow[]>;
}

/** A statement as sent to the thread that owns the embedded copy. */
export interface AnalyticsRequest {
  readonly sql: string;
  readonly params: readonly AnalyticsParam[];
  readonly write: boolean;
}

export interface AnalyticsAnswer {
  readonly rows: readonly AnalyticsRow[];
}

/**
 * Statements on the copy wherever it lives: PostgreSQL's tables; the embedded DuckDB file in
 * this thread when the stage runs here, else sent to the pipeline thread, which owns the file
 * while it runs (one process never opens it twice), and awaited.
 */
export class AnalyticsAccess implements AnalyticsReader {
  readonly dialect: AnalyticsDialect;

  constructor(
    private readonly store: Store,
    private readonly embedded: EmbeddedCopy | undefined,
    /** Sends a statement to the pipeline thread; undefined when it does not run. */
    private readonly inThread: (request: AnalyticsRequest) => Promise<AnalyticsAnswer | undefined>,
  ) {
    this.dialect = embedded ? 'duckdb' : 'postgres';
  }

  async query(sql: string, params: readonly AnalyticsParam[] = []): Promise<AnalyticsRow[]> {
    return [...(await this.send({ sql, params, write: false })).rows];
  }

  async execute(sql: string, params: readonly AnalyticsParam[] = []): Promise<void> {
    await this.send({ sql, params, write: true });
  }

  /** Runs a statement in this thread (the pipeline thread answers the main one's requests with it). */
  async run(request: AnalyticsRequest): Promise<AnalyticsAnswer> {
    const copy: AnalyticsStore = this.embedded
      ? await this.embedded.open()
      : postgresAnalytics(this.store.db);
    if (!request.write) return { rows: await copy.query(request.sql, request.params) };
    await copy.execute(request.sql, request.params);
    return { rows: [] };
  }

  private async send(request: AnalyticsRequest): Promise<AnalyticsAnswer> {
    if (this.embedded) {
      const answer = await this.inThread(request);
      if (answer) return answer;
    }
    return this.run(request);
  }
}
