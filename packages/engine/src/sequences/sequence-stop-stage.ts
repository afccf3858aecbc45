import { EMAIL_EVENTS, type StopReason } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { profilesOfEvents } from '../identity/index.js';
import { idsOfPerson } from '../lists/index.js';
import {
  entriesByWorkspace,
  LOG_START,
  type LogEntry,
  type LogPosition,
  readLogAfter,
} from '../log/index.js';
import {
  adoptLayout,
  leasePartition,
  lockCheckpoint,
  type PartitionLease,
  type PipelineStage,
  type ProfiledBatch,
  readCheckpoint,
  readLeasedWindow,
  resetCheckpoints,
  SINGLE_PARTITION,
  type StageBatch,
  saveCheckpoint,
} from '../pipeline-runtime/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { stopEnrollmentsOf } from './enrollment-stops.js';

export const SEQUENCE_STOP_STAGE = 'sequence-stops';

/** The events on a person that stop their enrollments (each where its sequence's settings say so). */
const STOP_EVENTS: ReadonlyMap<string, StopReason> = new Map([
  ['Meeting Logged', 'meeting_booked'],
  [EMAIL_EVENTS.unsubscribed, 'unsubscribed'],
  [EMAIL_EVENTS.bounced, 'bounced'],
]);

export interface SequenceStopStageOptions {
  readonly batchSize?: number | undefined;
  readonly partitions?: number | undefined;
  /** The stage it follows (lead scoring). */
  readonly feeder: string;
  readonly clock: () => number;
}

/**
 * The log's consumer after lead scoring (checkpoint `sequence-stops`): a `Meeting Logged`,
 * `Unsubscribed` or `Email Bounced` event on a person stops their active enrollments, in the
 * batch's transaction with the checkpoint. Stops are not undone by a rebuild or an unmerge.
 */
export class SequenceStopStage implements PipelineStage {
  readonly name = SEQUENCE_STOP_STAGE;

  constructor(
    private readonly store: Store,
    private readonly options: SequenceStopStageOptions,
  ) {}

  async prepare(): Promise<void> {
    await writeTransaction(this.store, (trx) =>
      adoptLayout(trx, this.store.kind, SEQUENCE_STOP_STAGE, this.options.partitions ?? 1),
    );
  }

  async processBatch(handOff?: ProfiledBatch): Promise<StageBatch> {
    const count = this.options.partitions ?? 1;
    if (count === 1)
      return { consumed: (await this.batchOf(handOff, (trx) => this.lockSingle(trx))).consumed };
    // Partitions: the hand-off's first, else a free one; one with nothing to do passes the turn.
    const tried = new Set<number>();
    for (;;) {
      const lease = (trx: Kysely<Database>) =>
        leasePartition(trx, {
          stage: SEQUENCE_STOP_STAGE,
          count,
          feeder: this.options.feeder,
          skip: tried,
          prefer: handOff?.partition.index,
        });
      const { consumed, partition } = await this.batchOf(handOff, lease);
      if (consumed > 0 || partition === undefined) return { consumed };
      tried.add(partition);
    }
  }

  /** Before a replay: the checkpoint rewinds (stops made stay made). */
  async reset(db: Kysely<Database>): Promise<void> {
    await resetCheckpoints(db, SEQUENCE_STOP_STAGE);
  }

  async rederive(): Promise<undefined> {
    return undefined;
  }

  private async lockSingle(trx: Kysely<Database>): Promise<PartitionLease> {
    const position = await lockCheckpoint(trx, this.store.kind, SEQUENCE_STOP_STAGE);
    const upTo = await readCheckpoint(trx, this.options.feeder);
    return { partition: SINGLE_PARTITION, checkpoint: SEQUENCE_STOP_STAGE, position, upTo };
  }

  private batchOf(
    handOff: ProfiledBatch | undefined,
    leaseOf: (trx: Kysely<Database>) => Promise<PartitionLease | undefined>,
  ): Promise<{ consumed: number; partition: number | undefined }> {
    return writeTransaction(this.store, async (trx) => {
      const lease = await leaseOf(trx);
      if (!lease) return { consumed: 0, partition: undefined };
      const fed = lease.upTo ?? LOG_START;
      const fresh =
        handOff !== undefined &&
        handOff.partition.index === lease.partition.index &&
        samePosition(handOff.from, lease.position) &&
        samePosition(handOff.to, fed);
      const read = fresh ? handOff : await this.read(trx, lease, fed);
      for (const [workspaceId, entries] of entriesByWorkspace(read.entries)) {
        await this.stopFor(trx, workspaceId, entries, fresh ? handOff : undefined);
      }
      if (read.to) await saveCheckpoint(trx, lease.checkpoint, read.to);
      return { consumed: read.passed, partition: lease.partition.index };
    });
  }

  private async stopFor(
    trx: Kysely<Database>,
    workspaceId: string,
    entries: readonly LogEntry[],
    unified: ProfiledBatch | undefined,
  ): Promise<void> {
    const stopping = entries.filter(
      (entry) => entry.event.type === 'track' && STOP_EVENTS.has(entry.event.event ?? ''),
    );
    if (stopping.length === 0) return;
    const profileOf = unified
      ? unified.profileOf
      : await profilesOfEvents(
          trx,
          workspaceId,
          stopping.map((entry) => entry.event.seq),
        );
    const now = new Date(this.options.clock()).toISOString();
    for (const entry of stopping) {
      const profileId = profileOf.get(entry.event.seq);
      const reason = STOP_EVENTS.get(entry.event.event ?? '');
      if (profileId === undefined || reason === undefined) continue;
      const profileIds = await idsOfPerson(trx, workspaceId, profileId);
      await stopEnrollmentsOf(trx, { workspaceId, profileIds, reason, now });
    }
  }

  private async read(trx: Kysely<Database>, lease: PartitionLease, fed: LogPosition) {
    const limit = this.options.batchSize ?? 2000;
    if (lease.partition.count > 1) return (await readLeasedWindow(trx, lease, limit)) ?? NOTHING_READ;
    const entries = (await readLogAfter(trx, this.store.kind, lease.position, limit)).filter((e) =>
      notAfter(e.position, fed),
    );
    return { entries, to: entries.at(-1)?.position, passed: entries.length };
  }
}

const NOTHING_READ = { entries: [] as LogEntry[], to: undefined, passed: 0 };

function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.txid === b.txid && a.seq === b.seq;
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
