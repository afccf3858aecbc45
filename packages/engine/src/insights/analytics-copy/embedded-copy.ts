import { dirname, join } from 'node:path';
import { type DuckDbAnalyticsStore, openDuckDbAnalytics } from '../analytics-store/index.js';

/** The DuckDB settings of the embedded copy. */
export interface EmbeddedCopyOptions {
  /** DuckDB's memory limit (`TANDEM_ANALYTICS_MEMORY`, default 1GB). */
  readonly memoryLimit?: string | undefined;
  /** DuckDB's worker threads (default: every core). */
  readonly threads?: number | undefined;
}

/** Where an embedded store's copy lives: `analytics.duckdb` beside its file, or in memory. */
export function embeddedCopyPath(sqliteLocation: string): string {
  return sqliteLocation === ':memory:' ? ':memory:' : join(dirname(sqliteLocation), 'analytics.duckdb');
}

/**
 * The embedded copy's DuckDB database, opened on first use by the thread that runs the
 * analytics stage. A process must never open the file twice: when the pipeline moves to its
 * thread, `release()` closes it here for good, and the thread opens its own.
 */
export class EmbeddedCopy {
  private opening: Promise<DuckDbAnalyticsStore> | undefined;
  private released = false;

  constructor(
    private readonly path: string,
    private readonly options: EmbeddedCopyOptions,
    /** Called once a new (empty) file is made: the stage's checkpoint goes back to the start. */
    private readonly onCreated: () => Promise<void>,
  ) {}

  /** The open copy (opened now if needed). */
  open(): Promise<DuckDbAnalyticsStore> {
    if (this.released) throw new Error('the analytics copy is owned by the pipeline thread');
    this.opening ??= this.openFresh().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  /** Whether this thread has opened the copy. */
  get isOpen(): boolean {
    return this.opening !== undefined;
  }

  /** Closes the copy here for good (the pipeline thread opens it instead). */
  release(): void {
    this.released = true;
    const opening = this.opening;
    this.opening = undefined;
    // Closed at the next turn of this thread's loop, long before the new thread has loaded.
    void opening?.then((copy) => copy.close());
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (opening) await (await opening).close();
  }

  private async openFresh(): Promise<DuckDbAnalyticsStore> {
    const copy = await openDuckDbAnalytics({
      path: this.path,
      memoryLimit: this.options.memoryLimit,
      threads: this.options.threads,
    });
    // A missing or deleted file is rebuilt from the log.
    if (copy.created) await this.onCreated();
    return copy;
  }
}
