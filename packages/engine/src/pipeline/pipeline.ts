import { setTimeout as delay } from 'node:timers/promises';
import type { PipelineStageStatus } from '@tandem/contract';
import type { IdentityService } from '../identity/index.js';
import { hasUnreadUpTo, logHeadSeq, oldestUnreadReceivedAt } from '../log/index.js';
import { type Store, writeTransaction } from '../store/index.js';
import { readCheckpoint, saveCheckpoint } from './checkpoints.js';
import { type PipelineThread, pipelineThreadAvailable, startPipelineThread } from './pipeline-thread.js';
import { rebuildProjections } from './rebuild-projections.js';
import { runUnifyBatch, UNIFY_STAGE } from './unify-stage.js';
import { unmerge } from './unmerge.js';

export interface PipelineOptions {
  /** Events per transaction. Default 2,000. */
  readonly batchSize?: number | undefined;
  /** How often (ms) the idle loop checks for this process's new commits. Default 20. */
  readonly wakeCheckMs?: number | undefined;
  /** How often (ms) the idle loop reads the store anyway (other processes' writes). Default 1,000. */
  readonly pollMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
  /**
   * `auto` (default): on a SQLite file, `start()` runs the batches in a worker thread with its
   * own connection (embedded mode then uses two cores); `off`: always in this thread.
   */
  readonly thread?: 'auto' | 'off' | undefined;
}

/** A count that moves when the log gets new commits (the event log's group-commit counter). */
export interface CommitCounter {
  readonly transactionsCommitted: number;
}

/**
 * The ordered consumers of the event log. Today one stage, `unify` (identity, traits,
 * companies), run by one leased consumer: its checkpoint row is locked in every batch's
 * transaction, so several PostgreSQL processes take turns and a crashed one loses nothing.
 */
export class Pipeline {
  private readonly batchSize: number;
  private readonly clock: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private thread: PipelineThread | undefined;

  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
    private readonly log: CommitCounter,
    private readonly options: PipelineOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.clock = options.clock ?? Date.now;
  }

  /** Runs one batch; resolves to the number of events consumed. */
  runBatch(limit = this.batchSize): Promise<number> {
    return this.exclusive(() =>
      writeTransaction(this.store, (trx) => runUnifyBatch(trx, this.store.kind, this.identity, limit)),
    );
  }

  /** Processes until every event committed before the call is consumed. */
  async catchUp(timeoutMs = 60_000): Promise<number> {
    const head = await logHeadSeq(this.store.db);
    const deadline = this.clock() + timeoutMs;
    let consumed = 0;
    for (;;) {
      const count = await this.runBatch();
      consumed += count;
      if (count > 0) continue;
      const position = await readCheckpoint(this.store.db, UNIFY_STAGE);
      if (!(await hasUnreadUpTo(this.store.db, this.store.kind, position, head))) return consumed;
      // PostgreSQL: an older transaction is still running somewhere; wait for it to end.
      if (this.clock() > deadline) throw new Error('pipeline catch-up timed out');
      await delay(10);
    }
  }

  /** Runs in the background: batch after batch, then waits for new commits. A failed batch
   * is reported to `onError` and retried after the poll interval. */
  start(onError: (error: unknown) => void = () => {}): void {
    if (this.running || this.thread) return;
    if (this.runsInThread()) {
      const { clock: _clock, ...options } = this.options;
      this.thread = startPipelineThread({ file: this.store.location, options }, onError);
      return;
    }
    this.running = true;
    this.loop = this.runLoop(onError);
  }

  /** Finishes the current batch and stops. */
  async stop(): Promise<void> {
    await this.thread?.stop();
    this.thread = undefined;
    this.running = false;
    await this.loop;
    await this.turn.catch(() => undefined);
  }

  async status(): Promise<PipelineStageStatus[]> {
    const position = await readCheckpoint(this.store.db, UNIFY_STAGE);
    const [head, oldest] = await Promise.all([
      logHeadSeq(this.store.db),
      oldestUnreadReceivedAt(this.store.db, this.store.kind, position),
    ]);
    const lagSeconds = oldest === null ? 0 : Math.max(0, (this.clock() - Date.parse(oldest)) / 1000);
    const lagEvents = oldest === null ? 0 : Math.max(1, head - position.seq);
    return [{ stage: UNIFY_STAGE, checkpointSeq: position.seq, headSeq: head, lagEvents, lagSeconds }];
  }

  /** Empties the projections and replays the whole log into them. */
  async rebuild(): Promise<number> {
    await this.exclusive(() =>
      this.store.db.transaction().execute(async (trx) => {
        await rebuildProjections(trx);
        await saveCheckpoint(trx, UNIFY_STAGE, { txid: 0, seq: 0 });
      }),
    );
    return this.catchUp(Number.POSITIVE_INFINITY);
  }

  /** Splits a merge (between batches, so no batch sees half of it). */
  unmerge(input: { workspaceId: string; profileId: string; mergeId: string }) {
    return this.exclusive(() =>
      this.store.db.transaction().execute((trx) => unmerge(trx, this.identity, input)),
    );
  }

  private runsInThread(): boolean {
    return (
      (this.options.thread ?? 'auto') === 'auto' &&
      this.store.kind === 'sqlite' &&
      this.store.location !== ':memory:' &&
      pipelineThreadAvailable()
    );
  }

  /** One pipeline write at a time in this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.catch(() => undefined).then(work);
    this.turn = result;
    return result;
  }

  private async runLoop(onError: (error: unknown) => void): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    let commits = this.log.transactionsCommitted;
    while (this.running) {
      commits = this.log.transactionsCommitted;
      let count = 0;
      try {
        count = await this.runBatch();
      } catch (error) {
        onError(error);
        await delay(pollMs);
      }
      // Between batches, let queued queries (HTTP reads) have the connection: on SQLite, Kysely's
      // connection lock is not fair, and the next batch would otherwise take it again at once.
      if (count >= this.batchSize) await new Promise((resolve) => setImmediate(resolve));
      else await this.idle(commits, pollMs);
    }
  }

  /**
   * Waits for this process's next commit to the log (a counter, no query) or, every `pollMs`,
   * for another process's, checked with reads only: an idle pipeline never writes.
   */
  private async idle(commits: number, pollMs: number): Promise<void> {
    let since = this.clock();
    while (this.running && this.log.transactionsCommitted === commits) {
      await delay(this.options.wakeCheckMs ?? 20);
      if (this.clock() - since < pollMs) continue;
      if (await this.hasUnread().catch(() => true)) return;
      since = this.clock();
    }
  }

  private async hasUnread(): Promise<boolean> {
    const [position, head] = await Promise.all([
      readCheckpoint(this.store.db, UNIFY_STAGE),
      logHeadSeq(this.store.db),
    ]);
    return hasUnreadUpTo(this.store.db, this.store.kind, position, head);
  }
}
