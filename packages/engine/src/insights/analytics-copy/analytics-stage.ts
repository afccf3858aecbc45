import type { Kysely } from 'kysely';
import {
  entriesByWorkspace,
  LOG_START,
  type LogEntry,
  type LogPosition,
  readLogAfter,
} from '../../log/index.js';
import {
  FollowerBatches,
  lockCheckpoint,
  type PipelineStage,
  type ProfiledBatch,
  type Rederivation,
  readCheckpoint,
  resetCheckpoints,
  type StageBatch,
  saveCheckpoint,
} from '../../pipeline-runtime/index.js';
import { type Database, type Store, writeTransaction } from '../../store/index.js';
import { type AnalyticsStore, postgresAnalytics } from '../analytics-store/index.js';
import { applyPlan, type CopyDeps, type CopyPlan, planWorkspace, rederiveProfiles } from './copy-work.js';
import { EmbeddedCopy, type EmbeddedCopyOptions, embeddedCopyPath } from './embedded-copy.js';

export const ANALYTICS_STAGE = 'analytics';

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
 * checkpoint. Embedded (SQLite): the copy is a DuckDB file, a store of its own; a batch reads
 * what it copies, writes it to DuckDB in one DuckDB transaction, and only then saves the
 * checkpoint. A crash between the two replays the batch, and every write of the copy is
 * idempotent (rows replace by workspace and seq, people rows by profile, re-pointing is a no-op
 * the second time), so nothing counts twice. The SQLite write lock is never held while DuckDB writes.
 */
export class AnalyticsStage implements PipelineStage {
  readonly name = ANALYTICS_STAGE;
  private readonly batches: FollowerBatches;
  /** SQLite stores: the DuckDB file, opened by the thread that runs the stage. */
  readonly embedded: EmbeddedCopy | undefined;

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
    });
  }

  /** In the caller's transaction: the copy emptied (embedded: by the first batch from the start). */
  async reset(db: Kysely<Database>): Promise<void> {
    if (!this.embedded) await postgresAnalytics(db).clear();
    await resetCheckpoints(db, ANALYTICS_STAGE);
  }

  /**
   * These profiles' rows replaced by what is theirs now. Embedded: written before the caller's
   * transaction commits, so the copy never trails a re-derivation the store has made.
   */
  async rederive(db: Kysely<Database>, change: Rederivation): Promise<undefined> {
    const copy: AnalyticsStore = this.embedded ? await this.embedded.open() : postgresAnalytics(db);
    await rederiveProfiles(db, copy, this.deps, change);
    return undefined;
  }

  /** The pipeline moves to its thread: the DuckDB file is closed here for good. */
  releaseToThread(): void {
    this.embedded?.release();
  }

  /** Closes the embedded copy if this thread opened it. */
  close(): Promise<void> {
    return this.embedded?.close() ?? Promise.resolve();
  }

  /**
   * One batch of the embedded copy (SQLite has one partition): the hand-off when it is exactly
   * what comes next, else the log up to the feeder; reads, then DuckDB, then the checkpoint.
   */
  private async embeddedBatch(
    embedded: EmbeddedCopy,
    handOff: ProfiledBatch | undefined,
  ): Promise<StageBatch> {
    const copy = await embedded.open();
    const db = this.store.db;
    const position = await readCheckpoint(db, ANALYTICS_STAGE);
    const fed = await readCheckpoint(db, this.options.feeder);
    // From the start of the log (a rebuild, a new store), the copy starts empty too.
    if (samePosition(position, LOG_START)) await clearIfFilled(copy);
    const fresh =
      handOff !== undefined && samePosition(handOff.from, position) && samePosition(handOff.to, fed);
    const entries: readonly LogEntry[] = fresh
      ? handOff.entries
      : (await readLogAfter(db, this.store.kind, position, this.options.batchSize ?? 2000)).filter((e) =>
          notAfter(e.position, fed),
        );
    const to = fresh ? handOff.to : entries.at(-1)?.position;
    if (to === undefined) return { consumed: 0 };
    const plans: CopyPlan[] = [];
    for (const [workspaceId, ofWorkspace] of entriesByWorkspace(entries)) {
      const events = ofWorkspace.map((entry) => entry.event);
      plans.push(
        await planWorkspace(db, this.deps, { workspaceId, events, unified: fresh ? handOff : undefined }),
      );
    }
    await copy.transaction(async (store) => {
      for (const plan of plans) await applyPlan(store, plan);
    });
    // Durable in DuckDB: the checkpoint may move (unless a rebuild moved it meanwhile).
    await writeTransaction(this.store, async (trx) => {
      const now = await lockCheckpoint(trx, this.store.kind, ANALYTICS_STAGE);
      if (samePosition(now, position)) await saveCheckpoint(trx, ANALYTICS_STAGE, to);
    });
    return { consumed: fresh ? handOff.passed : entries.length };
  }
}

async function clearIfFilled(copy: AnalyticsStore): Promise<void> {
  const [filled] = await copy.query(
    `SELECT (EXISTS (SELECT 1 FROM analytics_events) OR EXISTS (SELECT 1 FROM analytics_people)) AS filled`,
  );
  if (filled?.filled === true) await copy.clear();
}

function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.txid === b.txid && a.seq === b.seq;
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
