import type { Kysely } from 'kysely';
import {
  entriesByWorkspace,
  LOG_START,
  type LogEntry,
  type LogPosition,
  readLogAfter,
} from '../log/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { adoptLayout } from './checkpoint-layout.js';
import { lockCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoints.js';
import { leasePartition, type PartitionLease, readLeasedWindow } from './partition-lease.js';
import { type PipelinePartition, SINGLE_PARTITION } from './pipeline-partitions.js';
import type { AfterCommit, ProfiledBatch, StageBatch } from './pipeline-stage.js';

/** Where a stage that follows another through the log keeps its place. */
export interface FollowerOptions {
  /** The stage's checkpoint name. */
  readonly stage: string;
  /** The stage it follows: it never reads past that one's checkpoint. */
  readonly feeder: string;
  readonly partitions: number;
  readonly batchSize: number;
}

/** What a following stage does with each batch, in the batch's transaction. */
export interface FollowerWork {
  /**
   * One workspace's entries, in log order. `unified`: the batch unify handed down (its
   * profiles and merges), when it is exactly this batch; otherwise read them from identity.
   */
  applyWorkspace(
    trx: Kysely<Database>,
    batch: { workspaceId: string; entries: readonly LogEntry[]; unified: ProfiledBatch | undefined },
  ): Promise<AfterCommit | undefined>;
  /** After the events, before the checkpoint: what time alone asks for; true if there was any. */
  afterEvents?(trx: Kysely<Database>, partition: PipelinePartition): Promise<boolean>;
}

interface FollowerRead {
  readonly entries: readonly LogEntry[];
  readonly to: LogPosition | undefined;
  readonly passed: number;
}

const NOTHING_READ: FollowerRead = { entries: [], to: undefined, passed: 0 };

/**
 * The batches of a stage after unify: leases a partition (or locks the single checkpoint),
 * uses the hand-off when it is exactly what comes next or reads the log up to the feeder,
 * applies each workspace's events and saves the checkpoint in one transaction.
 */
export class FollowerBatches {
  constructor(
    private readonly store: Store,
    private readonly options: FollowerOptions,
  ) {}

  prepare(): Promise<void> {
    return writeTransaction(this.store, (trx) =>
      adoptLayout(trx, this.store.kind, this.options.stage, this.options.partitions),
    );
  }

  async process(handOff: ProfiledBatch | undefined, work: FollowerWork): Promise<StageBatch> {
    const { stage, feeder, partitions: count } = this.options;
    if (count === 1)
      return { consumed: (await this.batchOf(handOff, work, (trx) => this.lockSingle(trx))).consumed };
    // Partitions: the hand-off's first, else the free one furthest behind; one with nothing to
    // do passes the turn to the next, so that 0 means every free partition is done.
    const tried = new Set<number>();
    for (;;) {
      const lease = (trx: Kysely<Database>) =>
        leasePartition(trx, { stage, count, feeder, skip: tried, prefer: handOff?.partition.index });
      const { consumed, partition } = await this.batchOf(handOff, work, lease);
      if (consumed > 0 || partition === undefined) return { consumed };
      tried.add(partition.index);
    }
  }

  private async lockSingle(trx: Kysely<Database>): Promise<PartitionLease> {
    const { stage, feeder } = this.options;
    const position = await lockCheckpoint(trx, this.store.kind, stage);
    const upTo = await readCheckpoint(trx, feeder);
    return { partition: SINGLE_PARTITION, checkpoint: stage, position, upTo };
  }

  private async batchOf(
    handOff: ProfiledBatch | undefined,
    work: FollowerWork,
    leaseOf: (trx: Kysely<Database>) => Promise<PartitionLease | undefined>,
  ): Promise<{ consumed: number; partition: PipelinePartition | undefined }> {
    const { consumed, partition, afters } = await writeTransaction(this.store, async (trx) => {
      const lease = await leaseOf(trx);
      if (!lease) return { consumed: 0, partition: undefined, afters: [] };
      const fed = lease.upTo ?? LOG_START;
      // The batch unify handed down, when it starts at this checkpoint and the feeder ended there.
      const fresh =
        handOff !== undefined &&
        handOff.partition.index === lease.partition.index &&
        samePosition(handOff.from, lease.position) &&
        samePosition(handOff.to, fed);
      const read: FollowerRead = fresh ? handOff : await this.read(trx, lease, fed);
      const afters: AfterCommit[] = [];
      for (const [workspaceId, entries] of entriesByWorkspace(read.entries)) {
        const after = await work.applyWorkspace(trx, {
          workspaceId,
          entries,
          unified: fresh ? handOff : undefined,
        });
        if (after) afters.push(after);
      }
      const timely = work.afterEvents ? await work.afterEvents(trx, lease.partition) : false;
      if (read.to) await saveCheckpoint(trx, lease.checkpoint, read.to);
      // Time-driven work alone counts as one, so the pipeline comes back for more.
      const consumed = read.passed + (timely && read.passed === 0 ? 1 : 0);
      return { consumed, partition: lease.partition, afters };
    });
    for (const after of afters) after();
    return { consumed, partition };
  }

  private async read(trx: Kysely<Database>, lease: PartitionLease, fed: LogPosition): Promise<FollowerRead> {
    const limit = this.options.batchSize;
    if (lease.partition.count > 1) return (await readLeasedWindow(trx, lease, limit)) ?? NOTHING_READ;
    const entries = (await readLogAfter(trx, this.store.kind, lease.position, limit)).filter((e) =>
      notAfter(e.position, fed),
    );
    return { entries, to: entries.at(-1)?.position, passed: entries.length };
  }
}

function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.txid === b.txid && a.seq === b.seq;
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
