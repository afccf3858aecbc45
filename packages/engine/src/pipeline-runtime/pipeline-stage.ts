import type { Kysely } from 'kysely';
import type { LogEntry, LogPosition } from '../log/index.js';
import type { Database } from '../store/index.js';
import type { PipelinePartition } from './pipeline-partitions.js';

/**
 * Events of the log with the profile each belongs to: what the stage that resolves identities
 * (unify) hands the stages after it in the same loop, so they need not read and parse the log
 * again. Valid while that stage's checkpoint (of that partition) is still `to`.
 */
export interface ProfiledBatch {
  /** The partition of the workspaces the batch covered (0 of 1 when unpartitioned). */
  readonly partition: PipelinePartition;
  readonly from: LogPosition;
  readonly to: LogPosition;
  /** Events of the log the batch moved past: `entries`, plus other partitions' events. */
  readonly passed: number;
  readonly entries: readonly LogEntry[];
  /** Each attributed event's live profile as the batch left it. */
  readonly profileOf: ReadonlyMap<number, string>;
  /** The merges the batch made: each merged-away profile and the live profile it is now part of. */
  readonly merges: readonly { workspaceId: string; survivorId: string; mergedId: string }[];
}

/** What one batch of a stage did. */
export interface StageBatch {
  /** Events (or due re-checks) consumed: 0 means the stage had nothing to do. */
  readonly consumed: number;
  /** For the next stage, when this one resolved profiles. */
  readonly handOff?: ProfiledBatch | undefined;
}

/** Profiles whose inputs changed outside the log's order (an unmerge, a deletion). */
export interface Rederivation {
  readonly workspaceId: string;
  readonly profileIds: readonly string[];
  /**
   * What changed them, unique to this change (`unmerge:<merge id>`, `removal:<seq>`), and when:
   * what a stage records because of it (a consent flip) is keyed by it.
   */
  readonly cause: { readonly key: string; readonly recordedAt: string };
}

/** Work to run once the caller's transaction has committed (notifying listeners). */
export type AfterCommit = () => void;

/**
 * A consumer of the event log. The pipeline runs its stages in order, handing each batch's
 * result to the next; rebuild, unmerge and catch-up go through this interface only. A stage's
 * progress is its checkpoint rows (`name`, or `name#i/n` per partition): its lag is read from
 * them by the runtime, for every stage in one pass.
 */
export interface PipelineStage {
  /** Its checkpoint's name. */
  readonly name: string;
  /** Lays out its checkpoints for the partition count, or refuses (see adoptLayout). */
  prepare(): Promise<void>;
  /**
   * One batch, effects and checkpoint committed together (in transactions of its own).
   * `handOff`: the previous stage's batch just run, to use when it is exactly what comes next.
   */
  processBatch(handOff?: ProfiledBatch): Promise<StageBatch>;
  /** In the caller's transaction: empties what it derived and rewinds its checkpoints to the start. */
  reset(db: Kysely<Database>): Promise<void>;
  /**
   * In the caller's transaction: derives again what it keeps about these profiles from the
   * events now theirs (earlier stages have re-derived theirs already).
   */
  rederive(db: Kysely<Database>, change: Rederivation): Promise<AfterCommit | undefined>;
  /** Replays to this process's listeners what the stage recorded in the pipeline thread. */
  notify?(changes: readonly unknown[]): void;
  /**
   * The pipeline moves to its own thread: lets go of what only one thread may hold (the
   * analytics stage's DuckDB file), which the thread then opens itself.
   */
  releaseToThread?(): void;
  /**
   * Where batches run, before the first: loads what that batch would otherwise wait for (the
   * analytics stage's DuckDB file), so the first events after a start are not held up by it.
   */
  warmUp?(): Promise<void>;
}
