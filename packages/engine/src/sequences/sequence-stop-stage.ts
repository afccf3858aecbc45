import { EMAIL_EVENTS, type StopReason } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { idsOfPerson, profilesOfEvents } from '../identity/index.js';
import type { LogEntry } from '../log/index.js';
import {
  FollowerBatches,
  type PipelineStage,
  type ProfiledBatch,
  resetCheckpoints,
  type StageBatch,
} from '../pipeline-runtime/index.js';
import type { Database, Store } from '../store/index.js';
import { stopEnrollmentsOf } from './enrollment-stops.js';

export const SEQUENCE_STOP_STAGE = 'sequence-stops';

/** The events on a person that stop their enrollments (each where its sequence's settings say so). */
const STOP_EVENTS: ReadonlyMap<string, StopReason> = new Map([
  ['Meeting Logged', 'meeting_booked'],
  [EMAIL_EVENTS.unsubscribed, 'unsubscribed'],
  [EMAIL_EVENTS.bounced, 'bounced'],
]);

/** A soft bounce (a delay notice, a full mailbox) may still be delivered: it stops nothing. */
function isSoftBounce(entry: LogEntry): boolean {
  if (entry.event.event !== EMAIL_EVENTS.bounced) return false;
  const properties = entry.event.payload.properties;
  return (
    typeof properties === 'object' &&
    properties !== null &&
    (properties as Record<string, unknown>).bounceType === 'soft'
  );
}

export interface SequenceStopStageOptions {
  readonly batchSize?: number | undefined;
  readonly partitions?: number | undefined;
  /** The stage it follows (lead scoring). */
  readonly feeder: string;
  readonly clock: () => number;
}

/**
 * The log's consumer after lead scoring (checkpoint `sequence-stops`): a `Meeting Logged`,
 * `Unsubscribed` or `Email Bounced` (hard) event on a person stops their active enrollments, in the
 * batch's transaction with the checkpoint. Stops are not undone by a rebuild or an unmerge.
 */
export class SequenceStopStage implements PipelineStage {
  readonly name = SEQUENCE_STOP_STAGE;

  private readonly batches: FollowerBatches;

  constructor(
    store: Store,
    private readonly options: SequenceStopStageOptions,
  ) {
    this.batches = new FollowerBatches(store, {
      stage: SEQUENCE_STOP_STAGE,
      feeder: options.feeder,
      partitions: options.partitions ?? 1,
      batchSize: options.batchSize ?? 2000,
    });
  }

  prepare(): Promise<void> {
    return this.batches.prepare();
  }

  processBatch(handOff?: ProfiledBatch): Promise<StageBatch> {
    return this.batches.process(handOff, {
      applyWorkspace: async (trx, { workspaceId, entries, unified }) => {
        await this.stopFor(trx, workspaceId, entries, unified);
        return undefined;
      },
    });
  }

  /** Before a replay: the checkpoint rewinds (stops made stay made). */
  async reset(db: Kysely<Database>): Promise<void> {
    await resetCheckpoints(db, SEQUENCE_STOP_STAGE);
  }

  async rederive(): Promise<undefined> {
    return undefined;
  }

  private async stopFor(
    trx: Kysely<Database>,
    workspaceId: string,
    entries: readonly LogEntry[],
    unified: ProfiledBatch | undefined,
  ): Promise<void> {
    const stopping = entries.filter(
      (entry) =>
        entry.event.type === 'track' && STOP_EVENTS.has(entry.event.event ?? '') && !isSoftBounce(entry),
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
}
