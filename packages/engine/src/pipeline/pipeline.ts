import { setTimeout as delay } from 'node:timers/promises';
import type { PipelineStageStatus } from '@tandem/contract';
import { forgetEvents, profilesOfEvents, splitMerge } from '../identity/index.js';
import { deleteEvents, hasUnreadUpTo, logHeadSeq } from '../log/index.js';
import {
  type AfterCommit,
  lockCheckpoint,
  type PipelineStage,
  type ProfiledBatch,
  partitionCountFor,
  partitionOfWorkspace,
  readStagePosition,
  stagesLag,
  workspaceLag,
} from '../pipeline-runtime/index.js';
import type { Store } from '../store/index.js';
import {
  type AnalyticsAnswer,
  type AnalyticsRequest,
  type PipelineThread,
  pipelineThreadAvailable,
  type RemovedEvents,
  startPipelineThread,
  type UnmergedProfiles,
  type UnmergeInput,
} from './pipeline-thread.js';
import type { UnifyStage } from './unify.js';
import type { WorkspaceTraitsDropped } from './unify-stage.js';

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
  /** The analytics stage: off leaves it out; the embedded copy's DuckDB settings (used where it runs). */
  readonly analytics?:
    | {
        readonly enabled?: boolean;
        readonly memoryLimit?: string | undefined;
        readonly threads?: number | undefined;
      }
    | undefined;
}

/** A count that moves when the log gets new commits (the event log's group-commit counter). */
export interface CommitCounter {
  readonly transactionsCommitted: number;
}

/** The stages, in order: `unify` resolves profiles; the stages after it consume its hand-off. */
export interface PipelineStages {
  readonly unify: UnifyStage;
  readonly after: readonly PipelineStage[];
}

/**
 * The ordered consumers of the event log: `unify` (identity, traits, companies), then the stages
 * after it (`segment`: computed traits, audiences), batch after batch in one loop, each handed
 * the batch before it. Each stage's partition is one leased consumer: its checkpoint row is
 * locked in every batch's transaction, so PostgreSQL processes share the partitions (one
 * partition: they take turns) and a crashed one loses nothing.
 */
export class Pipeline {
  /** Every stage, in the order they run. */
  readonly stages: readonly PipelineStage[];
  private readonly unify: UnifyStage;
  private readonly partitions: number;
  private readonly clock: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  private thread: PipelineThread | undefined;
  private woken = false;
  /** Counts re-derivations: a hand-off made before one may name profiles it has changed. */
  private rederivations = 0;
  private wakeSleeper: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: CommitCounter,
    stages: PipelineStages,
    private readonly options: PipelineOptions = {},
  ) {
    this.unify = stages.unify;
    this.stages = [stages.unify, ...stages.after];
    this.partitions = partitionCountFor(store.kind, options.partitions);
    this.clock = options.clock ?? Date.now;
  }

  /** Runs one batch of unify; resolves to the events of the log it moved past (with partitions,
   * other partitions' events too: 0 means nothing left in any partition this process could lease). */
  async runBatch(limit?: number): Promise<number> {
    return (await this.exclusive(() => this.unify.runBatch(limit))).consumed;
  }

  /**
   * Lays out every stage's checkpoints for the partition count; rejects (PartitionLayoutError)
   * when the stored ones were made with another count and cannot be taken over yet. Batches do
   * the same on their own; this is to refuse at boot rather than at the first batch.
   */
  async prepare(): Promise<void> {
    for (const stage of this.stages) await this.exclusive(() => stage.prepare());
  }

  /**
   * Runs every stage until each has consumed every event committed before the call (and the
   * events the stages themselves appended meanwhile, such as Audience Entered).
   */
  async catchUp(timeoutMs = 60_000): Promise<number> {
    const head = await logHeadSeq(this.store.db);
    const deadline = this.clock() + timeoutMs;
    let consumed = 0;
    for (;;) {
      const { first, all } = await this.runRound();
      consumed += first;
      if (all > 0) continue;
      // Partitions: the one furthest behind (held by another process, or not started).
      const position = await readStagePosition(this.store.db, this.unify.name, this.partitions);
      if (!(await hasUnreadUpTo(this.store.db, this.store.kind, position, head))) return consumed;
      // PostgreSQL: an older transaction is still running somewhere; wait for it to end.
      if (this.clock() > deadline) throw new Error('pipeline catch-up timed out');
      await delay(10);
    }
  }

  /**
   * Resolves once every stage has consumed every event up to `headSeq` (a deletion waits so that
   * no batch in flight at its moment can still re-create what it erased). When this process runs
   * no pipeline, it runs the stages itself up to there.
   */
  async passed(headSeq: number, timeoutMs = 60_000): Promise<void> {
    if (!this.started) {
      await this.catchUp(timeoutMs);
      return;
    }
    const deadline = this.clock() + timeoutMs;
    for (;;) {
      let behind = false;
      for (const stage of this.stages) {
        const position = await readStagePosition(this.store.db, stage.name, this.partitions);
        behind = await hasUnreadUpTo(this.store.db, this.store.kind, position, headSeq);
        if (behind) break;
      }
      if (!behind) return;
      if (this.clock() > deadline) throw new Error('the pipeline did not pass the log position in time');
      this.wake();
      await delay(20);
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
      for (const stage of this.stages) stage.releaseToThread?.();
      this.thread = startPipelineThread(
        { file: this.store.location, options, writeTurn },
        {
          onError,
          onChanges: (stage, changes) => this.stages.find((s) => s.name === stage)?.notify?.(changes),
          onTraitsDropped: (dropped) => this.unify.reportDropped([dropped]),
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
    return this.unify.onTraitsDropped(listener);
  }

  /** Whether batches run in the background (`start()`), here or in the pipeline thread. */
  get started(): boolean {
    return this.running || this.thread !== undefined;
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

  /**
   * Runs a statement on the analytics copy in the pipeline thread, which owns the embedded copy
   * while it runs; undefined when there is no such thread (the copy is then this thread's).
   */
  async analyticsInThread(request: AnalyticsRequest): Promise<AnalyticsAnswer | undefined> {
    if (!this.thread) return undefined;
    return this.thread.analytics(request);
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
   * Every stage's lag over the whole log (for operators: metrics, backpressure); with
   * partitions, that of each stage's partition furthest behind. Tenants get workspaceStatus.
   */
  status(): Promise<PipelineStageStatus[]> {
    return stagesLag(this.store.db, {
      kind: this.store.kind,
      stages: this.stages.map((stage) => stage.name),
      partitions: this.partitions,
      now: this.clock(),
    });
  }

  /**
   * Every stage's lag on one workspace's events only (what a tenant may see), read in one pass:
   * its unconsumed events, counted up to WORKSPACE_LAG_COUNT_BOUND, and their age. `headSeq` is
   * the workspace's newest event, `checkpointSeq` the seq up to which all its events are consumed.
   */
  workspaceStatus(workspaceId: string): Promise<PipelineStageStatus[]> {
    return workspaceLag(this.store.db, {
      kind: this.store.kind,
      stages: this.stages.map((stage) => stage.name),
      partitions: this.partitions,
      workspaceId,
      now: this.clock(),
    });
  }

  /** Empties what every stage derived and replays the whole log through them. */
  async rebuild(): Promise<number> {
    await this.exclusive(() =>
      this.store.db.transaction().execute(async (trx) => {
        for (const stage of this.stages) await stage.reset(trx);
      }),
    );
    return this.catchUp(Number.POSITIVE_INFINITY);
  }

  /**
   * Splits a merge, then has every stage, in order, derive again what it keeps about both
   * profiles: one transaction, between batches, so no batch sees half of it (and no stage uses
   * a hand-off made before it).
   */
  async unmerge(input: UnmergeInput): Promise<UnmergedProfiles> {
    // Where the batches run: in the pipeline thread, between its own batches.
    if (this.thread) return this.thread.unmerge(input);
    const { split, afterCommit } = await this.exclusive(() =>
      this.store.db.transaction().execute(async (trx) => {
        // Not in the middle of another process's batch of the workspace's partition either.
        if (this.store.kind === 'postgres') {
          const partition = partitionOfWorkspace(input.workspaceId, this.partitions);
          for (const stage of this.stages) await lockCheckpoint(trx, this.store.kind, stage.name, partition);
        }
        const split = await splitMerge(trx, this.unify.identity, input);
        this.rederivations += 1;
        const change = {
          workspaceId: input.workspaceId,
          profileIds: [split.survivorId, split.restoredId],
          cause: { key: `unmerge:${input.mergeId}`, recordedAt: new Date(this.clock()).toISOString() },
        };
        const afterCommit: AfterCommit[] = [];
        for (const stage of this.stages) {
          const after = await stage.rederive(trx, change);
          if (after) afterCommit.push(after);
        }
        return { split, afterCommit };
      }),
    );
    for (const after of afterCommit) after();
    // Consent flips it recorded wait for the delivery stage's next batch.
    this.wake();
    return { survivorId: split.survivorId, restoredId: split.restoredId };
  }

  /**
   * Removes events from the log (data that should never have been collected), then has every
   * stage derive again what it keeps about the profiles they were attributed to: one
   * transaction, between this process's batches, like an unmerge.
   */
  async removeEvents(workspaceId: string, seqs: readonly number[]): Promise<RemovedEvents> {
    // Where the batches run: in the pipeline thread, between its own batches.
    if (this.thread) return this.thread.removeEvents({ workspaceId, seqs });
    const { removed, afterCommit } = await this.exclusive(() =>
      this.store.db.transaction().execute(async (trx) => {
        if (this.store.kind === 'postgres') {
          const partition = partitionOfWorkspace(workspaceId, this.partitions);
          for (const stage of this.stages) await lockCheckpoint(trx, this.store.kind, stage.name, partition);
        }
        const profileIds = [...new Set((await profilesOfEvents(trx, workspaceId, seqs)).values())];
        const events = await deleteEvents(trx, workspaceId, seqs);
        await forgetEvents(trx, workspaceId, seqs);
        this.rederivations += 1;
        const afterCommit: AfterCommit[] = [];
        // Seqs are removed once: the first names this removal.
        const first = seqs.reduce((least, seq) => Math.min(least, seq), Number.POSITIVE_INFINITY);
        const cause = { key: `removal:${first}`, recordedAt: new Date(this.clock()).toISOString() };
        if (profileIds.length > 0)
          for (const stage of this.stages) {
            const after = await stage.rederive(trx, { workspaceId, profileIds, cause });
            if (after) afterCommit.push(after);
          }
        return { removed: { events, profiles: profileIds.length }, afterCommit };
      }),
    );
    for (const after of afterCommit) after();
    this.wake();
    return removed;
  }

  private runsInThread(): boolean {
    return (
      (this.options.thread ?? 'auto') === 'auto' &&
      this.store.kind === 'sqlite' &&
      this.store.location !== ':memory:' &&
      pipelineThreadAvailable()
    );
  }

  /**
   * One batch of every stage, in order, each handed the batch before it. `first`: what unify
   * consumed; `all`: what every stage consumed (0: nothing left to do for now).
   */
  private async runRound(): Promise<{ first: number; all: number }> {
    let handOff: ProfiledBatch | undefined;
    let first = 0;
    let all = 0;
    let handedAt = this.rederivations;
    for (const stage of this.stages) {
      // An unmerge between two stages' batches voids the hand-off: the next stage reads the log.
      const batch = await this.exclusive(() =>
        stage.processBatch(handedAt === this.rederivations ? handOff : undefined),
      );
      if (stage === this.unify) first = batch.consumed;
      all += batch.consumed;
      if (batch.handOff) {
        handOff = batch.handOff;
        handedAt = this.rederivations;
      }
    }
    return { first, all };
  }

  /** One pipeline write at a time in this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.catch(() => undefined).then(work);
    this.turn = result;
    return result;
  }

  private async runLoop(onError: (error: unknown) => void): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    for (const stage of this.stages) await stage.warmUp?.().catch(onError);
    while (this.running) {
      const commits = this.log.transactionsCommitted;
      this.woken = false;
      let consumed = 0;
      try {
        consumed = (await this.runRound()).all;
      } catch (error) {
        onError(error);
        await delay(pollMs);
      }
      // Between batches, let queued queries (HTTP reads) have the connection: on SQLite, Kysely's
      // connection lock is not fair, and the next batch would otherwise take it again at once.
      if (consumed > 0) await new Promise((resolve) => setImmediate(resolve));
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
