import { setTimeout as delay } from 'node:timers/promises';
import type { PipelineStageStatus } from '@tandem/contract';
import type { IdentityService } from '../identity/index.js';
import { hasUnreadUpTo, logHeadSeq, oldestUnreadReceivedAt } from '../log/index.js';
import { type Store, writeTransaction } from '../store/index.js';
import { adoptLayout } from './checkpoint-layout.js';
import { lockCheckpoint, readStagePosition, resetCheckpoints } from './checkpoints.js';
import { partitionCountFor, partitionOfWorkspace } from './pipeline-partitions.js';
import { type PipelineThread, pipelineThreadAvailable, startPipelineThread } from './pipeline-thread.js';
import { rebuildProjections } from './rebuild-projections.js';
import { runUnifyBatch, UNIFY_STAGE, type UnifiedBatch, type WorkspaceTraitsDropped } from './unify-stage.js';
import { unmerge } from './unmerge.js';
import { workspaceLag } from './workspace-lag.js';

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
  /**
   * PostgreSQL: workspaces are split into this many partitions, each leased by one process at a
   * time, so several processes run batches at once. Default 1; always 1 on SQLite (one writer).
   */
  readonly partitions?: number | undefined;
  /**
   * Distinct traits a profile holds: past it, the names that sort first are kept (see
   * profiles/traits-projection.ts). Default 1,000.
   */
  readonly maxTraitsPerProfile?: number | undefined;
}

/** A count that moves when the log gets new commits (the event log's group-commit counter). */
export interface CommitCounter {
  readonly transactionsCommitted: number;
}

/** The stage run after unify in the same loop: computed traits and audiences (audiences/). */
export interface DownstreamStage {
  /**
   * One batch of unified events plus what time alone changed; resolves to the work done.
   * `handOff`: the unify batch just run, for the stage to use instead of reading the log again.
   */
  runBatch(handOff?: UnifiedBatch): Promise<number>;
  /** Lays out the stage's checkpoints for the partition count, or refuses (see adoptLayout). */
  prepare(): Promise<void>;
  /** Replays to this process's listeners the changes the pipeline thread recorded. */
  notify(changes: readonly unknown[]): void;
}

/**
 * The ordered consumers of the event log: `unify` (identity, traits, companies), then the
 * downstream `segment` stage (computed traits, audiences), batch after batch in one loop. Each
 * stage's partition is one leased consumer: its checkpoint row is locked in every batch's
 * transaction, so PostgreSQL processes share the partitions (one partition: they take turns)
 * and a crashed one loses nothing.
 */
export class Pipeline {
  private readonly batchSize: number;
  private readonly partitions: number;
  private readonly clock: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private thread: PipelineThread | undefined;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;
  private readonly dropListeners = new Set<(dropped: WorkspaceTraitsDropped) => void>();

  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
    private readonly log: CommitCounter,
    private readonly options: PipelineOptions = {},
    private readonly downstream?: DownstreamStage,
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.partitions = partitionCountFor(store.kind, options.partitions);
    this.clock = options.clock ?? Date.now;
  }

  /** Runs one batch; resolves to the events of the log it moved past (with partitions, other
   * partitions' events too: 0 means nothing left in any partition this process could lease). */
  async runBatch(limit = this.batchSize): Promise<number> {
    return (await this.runUnify(limit))?.passed ?? 0;
  }

  /**
   * Lays out both stages' checkpoints for the partition count; rejects (PartitionLayoutError)
   * when the stored ones were made with another count and cannot be taken over yet. Batches do
   * the same on their own; this is to refuse at boot rather than at the first batch.
   */
  async prepare(): Promise<void> {
    await this.exclusive(() =>
      writeTransaction(this.store, (trx) => adoptLayout(trx, this.store.kind, UNIFY_STAGE, this.partitions)),
    );
    await this.downstream?.prepare();
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
      // Partitions: the one furthest behind (held by another process, or not started).
      const position = await readStagePosition(this.store.db, UNIFY_STAGE, this.partitions);
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
      const writeTurn = this.store.writeTurn?.buffer;
      if (!writeTurn) throw new Error('the pipeline thread needs a SQLite store');
      this.thread = startPipelineThread(
        { file: this.store.location, options, writeTurn },
        {
          onError,
          onChanges: (changes) => this.downstream?.notify(changes),
          onTraitsDropped: (dropped) => this.reportDropped([dropped]),
        },
      );
      return;
    }
    this.running = true;
    this.loop = this.runLoop(onError);
  }

  /**
   * Calls `listener` after each batch that left trait names out of profiles at their bound (in
   * this thread or the pipeline thread), once per workspace. Returns unsubscribe.
   */
  onTraitsDropped(listener: (dropped: WorkspaceTraitsDropped) => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  private reportDropped(drops: readonly WorkspaceTraitsDropped[]): void {
    for (const dropped of drops) {
      for (const listener of this.dropListeners) listener(dropped);
    }
  }

  /** New events are in the log: end the idle wait now rather than at the next check. */
  wake(): void {
    if (this.thread) {
      this.thread.wake();
      return;
    }
    this.woken = true;
    this.wakeSleeper?.();
  }

  /**
   * Runs a full audience evaluation in the pipeline thread when one runs (its SQL would block
   * this thread's event loop for seconds on a large workspace); false when there is none.
   */
  async evaluateAudienceInThread(workspaceId: string, audienceId: string): Promise<boolean> {
    if (!this.thread) return false;
    await this.thread.evaluateAudience(workspaceId, audienceId);
    return true;
  }

  /** Finishes the current batch and stops. */
  async stop(): Promise<void> {
    await this.thread?.stop();
    this.thread = undefined;
    this.running = false;
    await this.loop;
    await this.turn.catch(() => undefined);
  }

  /**
   * The unify stage's lag over the whole log (for operators: metrics, backpressure); with
   * partitions, that of the partition furthest behind. Tenants get workspaceStatus.
   */
  async status(): Promise<PipelineStageStatus[]> {
    const position = await readStagePosition(this.store.db, UNIFY_STAGE, this.partitions);
    const [head, oldest] = await Promise.all([
      logHeadSeq(this.store.db),
      oldestUnreadReceivedAt(this.store.db, this.store.kind, position),
    ]);
    const lagSeconds = oldest === null ? 0 : Math.max(0, (this.clock() - Date.parse(oldest)) / 1000);
    const lagEvents = oldest === null ? 0 : Math.max(1, head - position.seq);
    return [{ stage: UNIFY_STAGE, checkpointSeq: position.seq, headSeq: head, lagEvents, lagSeconds }];
  }

  /**
   * The unify stage's lag on one workspace's events only (what a tenant may see): its
   * unconsumed events, counted up to WORKSPACE_LAG_COUNT_BOUND, and their age. `headSeq` is the
   * workspace's newest event, `checkpointSeq` the seq up to which all its events are consumed.
   */
  async workspaceStatus(workspaceId: string): Promise<PipelineStageStatus[]> {
    const status = await workspaceLag(this.store.db, {
      kind: this.store.kind,
      stage: UNIFY_STAGE,
      partitions: this.partitions,
      workspaceId,
      now: this.clock(),
    });
    return [status];
  }

  /** Empties the projections and replays the whole log into them. */
  async rebuild(): Promise<number> {
    await this.exclusive(() =>
      this.store.db.transaction().execute(async (trx) => {
        await rebuildProjections(trx);
        await resetCheckpoints(trx, UNIFY_STAGE);
      }),
    );
    return this.catchUp(Number.POSITIVE_INFINITY);
  }

  /** Splits a merge (between batches, so no batch sees half of it). */
  unmerge(input: { workspaceId: string; profileId: string; mergeId: string }) {
    return this.exclusive(() =>
      this.store.db.transaction().execute(async (trx) => {
        // Not in the middle of another process's batch of the workspace's partition either.
        if (this.store.kind === 'postgres') {
          const partition = partitionOfWorkspace(input.workspaceId, this.partitions);
          await lockCheckpoint(trx, this.store.kind, UNIFY_STAGE, partition);
        }
        const { maxTraitsPerProfile } = this.options;
        return unmerge(trx, { identity: this.identity, maxTraitsPerProfile }, input);
      }),
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

  private async runUnify(limit = this.batchSize): Promise<UnifiedBatch | undefined> {
    const batch = await this.exclusive(() =>
      writeTransaction(this.store, (trx) =>
        runUnifyBatch(trx, {
          kind: this.store.kind,
          identity: this.identity,
          limit,
          partitions: this.partitions,
          maxTraitsPerProfile: this.options.maxTraitsPerProfile,
        }),
      ),
    );
    // Once committed: what the batch dropped is then final.
    if (batch) this.reportDropped(batch.traitsDropped);
    return batch;
  }

  /** One pipeline write at a time in this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.catch(() => undefined).then(work);
    this.turn = result;
    return result;
  }

  private async runLoop(onError: (error: unknown) => void): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    while (this.running) {
      const commits = this.log.transactionsCommitted;
      this.woken = false;
      let unified = 0;
      let downstream = 0;
      try {
        const batch = await this.runUnify();
        unified = batch?.passed ?? 0;
        if (this.downstream) downstream = await this.downstream.runBatch(batch);
      } catch (error) {
        onError(error);
        await delay(pollMs);
      }
      // Between batches, let queued queries (HTTP reads) have the connection: on SQLite, Kysely's
      // connection lock is not fair, and the next batch would otherwise take it again at once.
      if (unified > 0 || downstream > 0) await new Promise((resolve) => setImmediate(resolve));
      else await this.idle(commits, pollMs);
    }
  }

  /**
   * Waits for a wake-up (this process's commits), a moved commit counter (checked every
   * `wakeCheckMs`: the pipeline thread's view of the main thread) or `pollMs` (another
   * process's writes, and the segment stage's due re-checks). An idle pipeline never writes.
   */
  private async idle(commits: number, pollMs: number): Promise<void> {
    const since = this.clock();
    while (this.running && !this.woken && this.log.transactionsCommitted === commits) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.wakeCheckMs ?? 20);
        this.wakeSleeper = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeSleeper = undefined;
      if (this.clock() - since >= pollMs) return;
    }
  }
}
