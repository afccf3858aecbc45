import type { Kysely } from 'kysely';
import { hasTimeChanges } from '../../computed-traits/index.js';
import { entriesByWorkspace, LOG_START, type LogPosition, readLogAfter } from '../../log/index.js';
import {
  FollowerBatches,
  lockCheckpoint,
  type PipelineStage,
  type ProfiledBatch,
  type Rederivation,
  readCheckpoint,
  resetCheckpoints,
  SINGLE_PARTITION,
  type StageBatch,
  saveCheckpoint,
  workspaceInPartition,
} from '../../pipeline-runtime/index.js';
import { type Database, type Store, writeTransaction } from '../../store/index.js';
import { type AnalyticsStore, postgresAnalytics } from '../analytics-store/index.js';
import {
  applyPlan,
  type CopyDeps,
  type CopyPlan,
  planWorkspace,
  rederiveProfiles,
  timeChangedPeople,
} from './copy-work.js';
import { EmbeddedCopy, type EmbeddedCopyOptions, embeddedCopyPath } from './embedded-copy.js';
import { HeldBatches, samePosition } from './held-batches.js';

export const ANALYTICS_STAGE = 'analytics';

/** The embedded copy writes at least this many events at once, or what it holds after this long. */
const HELD_LIMITS = { events: 10_000, ms: 1000 };

/** A batch read from the log (no profiles handed down: identity is asked). */
const SINGLE_BATCH = { partition: SINGLE_PARTITION, profileOf: new Map<number, string>(), merges: [] };

export interface AnalyticsStageOptions {
  readonly batchSize?: number | undefined;
  /** The pipeline's partition count (PostgreSQL). */
  readonly partitions: number;
  /** The stage it follows (segment: the batch's computed traits and audiences are settled). */
  readonly feeder: string;
  /** The embedded copy's DuckDB settings. */
  readonly embedded?: EmbeddedCopyOptions | undefined;
}

/**
 * The log's consumer that keeps the analytics copy: track, page and screen events with their
 * live profile in `analytics_events`, and every profile a batch touched in `analytics_people`.
 *
 * PostgreSQL: the copy is two tables of the store, written in the batch's transaction with the
 * checkpoint. Embedded (SQLite): the copy is a DuckDB file, a store of its own; the stage reads
 * what several of unify's batches change, writes it to DuckDB in one DuckDB transaction (running
 * while the pipeline goes on), and only then saves the checkpoint. A crash between the two
 * replays those events, and every write of the copy is
 * idempotent (rows replace by workspace and seq, people rows by profile, re-pointing is a no-op
 * the second time), so nothing counts twice. The SQLite write lock is never held while DuckDB writes.
 */
export class AnalyticsStage implements PipelineStage {
  readonly name = ANALYTICS_STAGE;
  private readonly batches: FollowerBatches;
  /** SQLite stores: the DuckDB file, opened by the thread that runs the stage. */
  readonly embedded: EmbeddedCopy | undefined;
  /** Unify's batches held for the embedded copy's next write. */
  private readonly held: HeldBatches;
  /** The embedded copy's write in flight, and the checkpoint it moves from and to once durable. */
  private writing: { done: Promise<void>; from: LogPosition; to: LogPosition } | undefined;

  constructor(
    private readonly store: Store,
    private readonly deps: CopyDeps,
    private readonly options: AnalyticsStageOptions,
  ) {
    this.batches = new FollowerBatches(store, {
      stage: ANALYTICS_STAGE,
      feeder: options.feeder,
      partitions: options.partitions,
      batchSize: options.batchSize ?? 2000,
    });
    this.held = new HeldBatches(HELD_LIMITS, deps.clock);
    this.embedded =
      store.kind === 'sqlite'
        ? new EmbeddedCopy(embeddedCopyPath(store.location), options.embedded ?? {}, () =>
            writeTransaction(store, (trx) => resetCheckpoints(trx, ANALYTICS_STAGE)),
          )
        : undefined;
  }

  prepare(): Promise<void> {
    return this.batches.prepare();
  }

  processBatch(handOff?: ProfiledBatch): Promise<StageBatch> {
    if (this.embedded) return this.embeddedBatch(this.embedded, handOff);
    return this.batches.process(handOff, {
      applyWorkspace: async (trx, { workspaceId, entries, unified }) => {
        const events = entries.map((entry) => entry.event);
        const plan = await planWorkspace(trx, this.deps, { workspaceId, events, unified });
        await applyPlan(postgresAnalytics(trx), plan);
        return undefined;
      },
      // People whose computed values time alone changed: no event brings them to the copy.
      afterEvents: async (trx, partition) => {
        const inPartition = partition.count > 1 ? workspaceInPartition(partition) : undefined;
        const people = await timeChangedPeople(trx, this.deps, inPartition);
        await postgresAnalytics(trx).putPeople(people);
        return people.length > 0;
      },
    });
  }

  /** In the caller's transaction: the copy emptied (embedded: by the first batch from the start). */
  async reset(db: Kysely<Database>): Promise<void> {
    this.held.clear();
    // The write in flight ends before the copy starts over (its checkpoint is rewound anyway).
    await this.writing?.done.catch(() => undefined);
    this.writing = undefined;
    if (!this.embedded) await postgresAnalytics(db).clear();
    await resetCheckpoints(db, ANALYTICS_STAGE);
  }

  /**
   * These profiles' rows replaced by what is theirs now. Embedded: written before the caller's
   * transaction commits, so the copy never trails a re-derivation the store has made.
   */
  async rederive(db: Kysely<Database>, change: Rederivation): Promise<undefined> {
    // Held batches name profiles as they were before: the next turn reads the log instead.
    this.held.clear();
    await this.settle(db);
    const copy: AnalyticsStore = this.embedded ? await this.embedded.open() : postgresAnalytics(db);
    await rederiveProfiles(db, copy, this.deps, change);
    return undefined;
  }

  /** Opens the DuckDB file where batches run (about half a second the first batch need not wait). */
  async warmUp(): Promise<void> {
    await this.embedded?.open();
  }

  /** The pipeline moves to its thread: the DuckDB file is closed here for good. */
  releaseToThread(): void {
    this.embedded?.release();
  }

  /** Settles the write in flight (its checkpoint saved), then closes the embedded copy if open here. */
  async close(): Promise<void> {
    await this.settle().catch(() => undefined);
    await this.embedded?.close();
  }

  /**
   * A turn of the embedded copy (SQLite has one partition): unify's batch is held while more
   * follow, up to HELD_LIMITS; then the held batches, or without any the log up to the feeder,
   * are read and handed to DuckDB, which writes them on its own threads while the pipeline goes
   * on. The next turn awaits that write and only then saves the checkpoint.
   */
  private async embeddedBatch(
    embedded: EmbeddedCopy,
    handOff: ProfiledBatch | undefined,
  ): Promise<StageBatch> {
    const copy = await embedded.open();
    const db = this.store.db;
    const saved = await readCheckpoint(db, ANALYTICS_STAGE);
    // Where the next batch starts: after the write in flight, if any.
    const position = this.writing?.to ?? saved;
    const fed = await readCheckpoint(db, this.options.feeder);
    // From the start of the log (a rebuild, a new store), the copy starts empty too.
    if (!this.writing && samePosition(saved, LOG_START)) await clearIfFilled(copy);
    if (handOff !== undefined && samePosition(handOff.to, fed) && this.held.add(handOff, position)) {
      if (!this.held.due()) return { consumed: 0 };
    }
    // Held batches are written at once when unify has nothing new (the pipeline is catching up).
    const heldBatch = this.held.take();
    const next = heldBatch ? { batch: heldBatch, unified: true } : await this.readLog(position, fed);
    // People whose computed values time alone changed; their flags go in a short write of their
    // own (a crash before DuckDB has them leaves those rows as they were until the next change).
    const timeChanged = (await hasTimeChanges(db, 'analytics'))
      ? await writeTransaction(this.store, (trx) => timeChangedPeople(trx, this.deps))
      : [];
    if (!next && timeChanged.length === 0) {
      await this.settle();
      return { consumed: 0 };
    }
    // Read while the previous write runs; then that write settles and this one starts.
    const plans: CopyPlan[] = [];
    for (const [workspaceId, ofWorkspace] of entriesByWorkspace(next?.batch.entries ?? [])) {
      const events = ofWorkspace.map((entry) => entry.event);
      const unified = next?.unified ? next.batch : undefined;
      plans.push(await planWorkspace(db, this.deps, { workspaceId, events, unified }));
    }
    await this.settle();
    const done = copy.transaction(async (store) => {
      for (const plan of plans) await applyPlan(store, plan);
      await store.putPeople(timeChanged);
    });
    // Awaited by the next turn; until then a failure must not count as unhandled.
    done.catch(() => undefined);
    this.writing = { done, from: position, to: next?.batch.to ?? position };
    // Time-driven work alone counts as one, so the pipeline comes back for more.
    return { consumed: next?.batch.passed ?? 1 };
  }

  /** The log after `position`, up to the feeder (no profiles handed down: identity is asked). */
  private async readLog(position: LogPosition, fed: LogPosition) {
    const entries = (await readLogAfter(this.store.db, this.store.kind, position, HELD_LIMITS.events)).filter(
      (e) => notAfter(e.position, fed),
    );
    const to = entries.at(-1)?.position;
    if (to === undefined) return undefined;
    return {
      batch: { ...SINGLE_BATCH, from: position, to, passed: entries.length, entries },
      unified: false,
    };
  }

  /**
   * Awaits the write in flight and, durable in DuckDB, saves the checkpoint (in `db`, the caller's
   * transaction, when given), unless a rebuild moved it meanwhile. A failed write leaves the
   * checkpoint where it was: the next turn reads those events again.
   */
  private async settle(db?: Kysely<Database>): Promise<void> {
    const writing = this.writing;
    if (!writing) return;
    this.writing = undefined;
    await writing.done;
    const save = async (trx: Kysely<Database>) => {
      const now = await lockCheckpoint(trx, this.store.kind, ANALYTICS_STAGE);
      if (samePosition(now, writing.from)) await saveCheckpoint(trx, ANALYTICS_STAGE, writing.to);
    };
    if (db) await save(db);
    else await writeTransaction(this.store, save);
  }
}

async function clearIfFilled(copy: AnalyticsStore): Promise<void> {
  const [filled] = await copy.query(
    `SELECT (EXISTS (SELECT 1 FROM analytics_events) OR EXISTS (SELECT 1 FROM analytics_people)) AS filled`,
  );
  if (filled?.filled === true) await copy.clear();
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
