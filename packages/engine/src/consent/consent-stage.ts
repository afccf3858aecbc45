import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type IdentityService, mergesCausedBy, profilesOfEvents } from '../identity/index.js';
import { entriesByWorkspace, LOG_START, type LogPosition, readLogAfter } from '../log/index.js';
import {
  adoptLayout,
  checkpointName,
  leasePartition,
  lockCheckpoint,
  type PartitionLease,
  type PipelinePartition,
  type PipelineStage,
  type ProfiledBatch,
  partitionOfWorkspace,
  type Rederivation,
  readCheckpoint,
  readLeasedWindow,
  resetCheckpoints,
  SINGLE_PARTITION,
  type StageBatch,
  saveCheckpoint,
} from '../pipeline-runtime/index.js';
import { type Database, nowIso, type Store, writeTransaction } from '../store/index.js';
import {
  applyConsentEvents,
  foldMergedConsent,
  rederiveConsent,
  resetConsent,
} from './consent-derivation.js';
import { preferencesOf } from './event-preferences.js';

export const CONSENT_STAGE = 'consent';

export interface ConsentStageOptions {
  readonly batchSize?: number | undefined;
  /** The pipeline's partition count (PostgreSQL): partition p of this stage follows unify's p. */
  readonly partitions?: number | undefined;
  /** The stage it follows (unify): it reads only events that one has passed, partition by partition. */
  readonly feeder: string;
}

interface ConsentRead {
  readonly entries: ProfiledBatch['entries'];
  readonly to: LogPosition | undefined;
  readonly passed: number;
}

/**
 * The log's consumer right after unify, with its own checkpoint (`consent`): records the consent
 * events carry (`context.consent.categoryPreferences`) on their profiles, with the events'
 * timestamps (the decision made last wins), and carries merged profiles' consent over to the
 * survivor. Effects and checkpoint commit together.
 */
export class ConsentStage implements PipelineStage {
  readonly name = CONSENT_STAGE;

  constructor(
    private readonly store: Store,
    private readonly identity: IdentityService,
    private readonly options: ConsentStageOptions,
  ) {}

  async prepare(): Promise<void> {
    await writeTransaction(this.store, (trx) =>
      adoptLayout(trx, this.store.kind, CONSENT_STAGE, this.options.partitions ?? 1),
    );
  }

  async processBatch(handOff?: ProfiledBatch): Promise<StageBatch> {
    const count = this.options.partitions ?? 1;
    if (count === 1)
      return { consumed: (await this.batchOf(handOff, (trx) => this.lockSingle(trx))).consumed };
    // Partitions: the hand-off's first, else the free one furthest behind unify; an empty one
    // passes the turn to the next, so that 0 means every free partition is done.
    const tried = new Set<number>();
    for (;;) {
      const lease = (trx: Kysely<Database>) =>
        leasePartition(trx, {
          stage: CONSENT_STAGE,
          count,
          feeder: this.options.feeder,
          skip: tried,
          prefer: handOff?.partition.index,
        });
      const { consumed, partition } = await this.batchOf(handOff, lease);
      if (consumed > 0 || partition === undefined) return { consumed };
      tried.add(partition.index);
    }
  }

  /** Runs until every event unify has passed is consumed. */
  async catchUp(): Promise<void> {
    while ((await this.processBatch()).consumed > 0) {}
  }

  /** In the caller's transaction, before a replay of the log (see resetConsent). */
  async reset(db: Kysely<Database>): Promise<void> {
    await resetConsent(db);
    await resetCheckpoints(db, CONSENT_STAGE);
  }

  /** In the caller's transaction: these profiles' consent, derived again from what is now theirs. */
  async rederive(db: Kysely<Database>, change: Rederivation): Promise<undefined> {
    const partition = partitionOfWorkspace(change.workspaceId, this.options.partitions ?? 1);
    const checkpoint = await readCheckpoint(db, checkpointName(CONSENT_STAGE, partition));
    await rederiveConsent(db, {
      identity: this.identity,
      workspaceId: change.workspaceId,
      profileIds: change.profileIds,
      upToSeq: checkpoint.seq,
    });
    return undefined;
  }

  private async lockSingle(trx: Kysely<Database>): Promise<PartitionLease> {
    const position = await lockCheckpoint(trx, this.store.kind, CONSENT_STAGE);
    const upTo = await readCheckpoint(trx, this.options.feeder);
    return { partition: SINGLE_PARTITION, checkpoint: CONSENT_STAGE, position, upTo };
  }

  private async batchOf(
    handOff: ProfiledBatch | undefined,
    leaseOf: (trx: Kysely<Database>) => Promise<PartitionLease | undefined>,
  ): Promise<{ consumed: number; partition: PipelinePartition | undefined }> {
    return writeTransaction(this.store, async (trx) => {
      const lease = await leaseOf(trx);
      if (!lease) return { consumed: 0, partition: undefined };
      const unified = lease.upTo ?? LOG_START;
      // The batch unify just ran, when it starts at this checkpoint and unify has not moved since.
      const fresh =
        handOff !== undefined &&
        handOff.partition.index === lease.partition.index &&
        samePosition(handOff.from, lease.position) &&
        samePosition(handOff.to, unified);
      const read: ConsentRead = fresh ? handOff : await this.read(trx, lease, unified);
      const recordedAt = nowIso();
      for (const [workspaceId, entries] of entriesByWorkspace(read.entries)) {
        const events = entries.map((entry) => entry.event);
        await this.applyWorkspace(trx, workspaceId, events, fresh ? handOff : undefined, recordedAt);
      }
      if (read.to) await saveCheckpoint(trx, lease.checkpoint, read.to);
      return { consumed: read.passed, partition: lease.partition };
    });
  }

  /** One workspace's events: merges they caused first, then the consent they carry. */
  private async applyWorkspace(
    trx: Kysely<Database>,
    workspaceId: string,
    events: readonly StoredEvent[],
    unified: ProfiledBatch | undefined,
    recordedAt: string,
  ): Promise<void> {
    const carrying = events.filter((event) => preferencesOf(event) !== undefined);
    if (unified) {
      const merges = unified.merges.filter((m) => m.workspaceId === workspaceId);
      if (merges.length > 0 && (await hasConsent(trx, workspaceId)))
        await foldMergedConsent(trx, workspaceId, merges);
      await applyConsentEvents(trx, workspaceId, {
        events: carrying,
        profileOf: unified.profileOf,
        recordedAt,
      });
      return;
    }
    // Read from the log: profiles looked up only where they can matter (a workspace that never
    // recorded consent has nothing a merge could carry over).
    const recorded = await hasConsent(trx, workspaceId);
    const wanted = recorded ? events : carrying;
    if (wanted.length === 0) return;
    const profileOf = await profilesOfEvents(
      trx,
      workspaceId,
      wanted.map((e) => e.seq),
    );
    if (recorded) {
      const { merged } = await mergesCausedBy(trx, workspaceId, events, profileOf);
      const merges = [];
      for (const mergedId of merged) {
        const survivorId = await this.identity.resolveProfileId(workspaceId, mergedId, trx);
        if (survivorId !== undefined && survivorId !== mergedId) merges.push({ survivorId, mergedId });
      }
      await foldMergedConsent(trx, workspaceId, merges);
    }
    await applyConsentEvents(trx, workspaceId, { events: carrying, profileOf, recordedAt });
  }

  private async read(
    trx: Kysely<Database>,
    lease: PartitionLease,
    unified: LogPosition,
  ): Promise<ConsentRead> {
    const limit = this.options.batchSize ?? 2000;
    if (lease.partition.count > 1) return (await readLeasedWindow(trx, lease, limit)) ?? NOTHING_READ;
    const entries = (await readLogAfter(trx, this.store.kind, lease.position, limit)).filter((e) =>
      notAfter(e.position, unified),
    );
    return { entries, to: entries.at(-1)?.position, passed: entries.length };
  }
}

/** Whether the workspace has any consent decision at all. */
async function hasConsent(db: Kysely<Database>, workspaceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('consent_decisions')
    .select('decision_id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

const NOTHING_READ: ConsentRead = { entries: [], to: undefined, passed: 0 };

function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.txid === b.txid && a.seq === b.seq;
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
