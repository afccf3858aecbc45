import type { SourceStats, StoredEvent, StoredRejection } from '@tandem/contract';
import { AppError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { GroupCommit } from './group-commit.js';
import { recentEvents, recentRejections, sourceStats } from './log-queries.js';
import { type AppendOutcome, type AppendRequest, type LogWriter, logWriterFor } from './log-writer.js';

export interface EventLogOptions {
  /** Calls queued or being committed past which appends are refused as `overloaded`. Default 50,000. */
  readonly maxQueuedEvents?: number | undefined;
  /** Extra wait (ms) before each group commit so more requests join it. Default 0: the current turn. */
  readonly groupCommitDelayMs?: number | undefined;
  /** How long rejected calls are kept (ms). Default 7 days. */
  readonly rejectionRetentionMs?: number | undefined;
  /** The time source, for tests. */
  readonly clock?: (() => number) | undefined;
  /**
   * SQLite file: commit large groups on a log writer thread. Default true; a CLI import, which
   * appends one group at a time, keeps the thread's memory instead.
   */
  readonly writerThread?: boolean | undefined;
}

const HOUR_MS = 3_600_000;
const MAX_READ_LIMIT = 1000;

/**
 * The append-only event log (plus the rejected calls beside it). Appends from concurrent
 * requests are group-committed: one transaction for everything queued, each caller answered
 * once it is durable.
 */
export class EventLog {
  private readonly writes: GroupCommit<AppendRequest, AppendOutcome>;
  private readonly writer: LogWriter;
  private readonly clock: () => number;
  private readonly rejectionRetentionMs: number;
  private lastPurgeAt = Number.NEGATIVE_INFINITY;
  private readonly commitListeners = new Set<() => void>();

  constructor(
    private readonly store: Store,
    options: EventLogOptions = {},
  ) {
    this.writer = logWriterFor(store, { thread: options.writerThread ?? true });
    this.clock = options.clock ?? Date.now;
    this.rejectionRetentionMs = options.rejectionRetentionMs ?? 7 * 24 * HOUR_MS;
    this.writes = new GroupCommit((requests) => this.commit(requests), {
      maxQueuedItems: options.maxQueuedEvents ?? 50_000,
      delayMs: options.groupCommitDelayMs ?? 0,
      commitsInFlight: this.writer.commitsInFlight,
      minItemsAhead: this.writer.minItemsAhead,
    });
  }

  /** Write transactions committed since the log was opened. */
  get transactionsCommitted(): number {
    return this.writes.transactionsCommitted;
  }

  /** Calls (events and rejections) queued or being committed. */
  get queuedCalls(): number {
    return this.writes.queuedItems;
  }

  /** Calls `listener` after each commit of new appends (wakes the pipeline). Returns unsubscribe. */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Throws `overloaded` when `calls` more would pass the queue's bound (backpressure). */
  assertRoomFor(calls: number): void {
    if (this.writes.hasRoomFor(calls)) return;
    throw new AppError('overloaded', `The event log is behind (${this.writes.queuedItems} calls queued)`, {
      retryAfterSeconds: 1,
    });
  }

  /** Appends, resolving once committed. Callers check `assertRoomFor` first. */
  append(request: AppendRequest): Promise<AppendOutcome> {
    return this.writes.submit(request, request.events.length + request.rejections.length);
  }

  /** Waits for every pending append. */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  /** Starts the writer's thread, when it has one, ahead of the first append. */
  startWriter(): void {
    this.writer.start?.();
  }

  /** Waits for every pending append, then stops the writer (its thread). */
  async close(): Promise<void> {
    await this.writes.flush();
    await this.writer.stop?.();
  }

  /** A source's latest events, newest first (older than `beforeSeq` when given). */
  recentEvents(
    workspaceId: string,
    sourceId: string,
    limit: number,
    beforeSeq?: number,
  ): Promise<StoredEvent[]> {
    return recentEvents(this.store, { workspaceId, sourceId, limit: clampLimit(limit), beforeSeq });
  }

  /** A source's latest rejections, newest first (older than `beforeSeq` when given). */
  recentRejections(
    workspaceId: string,
    sourceId: string,
    limit: number,
    beforeSeq?: number,
  ): Promise<StoredRejection[]> {
    return recentRejections(this.store, { workspaceId, sourceId, limit: clampLimit(limit), beforeSeq });
  }

  sourceStats(workspaceId: string, sourceId: string): Promise<SourceStats> {
    return sourceStats(this.store, { workspaceId, sourceId });
  }

  private async commit(requests: AppendRequest[]): Promise<(AppendOutcome | Error)[]> {
    // Rejections are purged opportunistically, at most once an hour, inside a write that happens anyway.
    const now = this.clock();
    const purgeBefore =
      now - this.lastPurgeAt >= HOUR_MS ? new Date(now - this.rejectionRetentionMs).toISOString() : undefined;
    const outcomes = await this.writer.commit(requests, purgeBefore);
    if (purgeBefore !== undefined) this.lastPurgeAt = now;
    for (const listener of this.commitListeners) listener();
    return outcomes;
  }
}

function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(Math.max(Math.trunc(limit), 1), MAX_READ_LIMIT) : MAX_READ_LIMIT;
}
