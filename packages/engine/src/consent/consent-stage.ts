import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type IdentityService, mergesCausedBy, profilesOfEvents } from '../identity/index.js';
import {
  checkpointName,
  FollowerBatches,
  type PipelineStage,
  type ProfiledBatch,
  partitionOfWorkspace,
  type Rederivation,
  readCheckpoint,
  resetCheckpoints,
  type StageBatch,
} from '../pipeline-runtime/index.js';
import { type Database, nowIso, type Store } from '../store/index.js';
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

/**
 * The log's consumer right after unify, with its own checkpoint (`consent`): records the consent
 * events carry (`context.consent.categoryPreferences`) on their profiles, with the events'
 * timestamps (the decision made last wins), and carries merged profiles' consent over to the
 * survivor. Effects and checkpoint commit together.
 */
export class ConsentStage implements PipelineStage {
  readonly name = CONSENT_STAGE;

  private readonly batches: FollowerBatches;

  constructor(
    store: Store,
    private readonly identity: IdentityService,
    private readonly options: ConsentStageOptions,
  ) {
    this.batches = new FollowerBatches(store, {
      stage: CONSENT_STAGE,
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
        const events = entries.map((entry) => entry.event);
        await this.applyWorkspace(trx, workspaceId, events, unified, nowIso());
        return undefined;
      },
    });
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
      cause: change.cause,
    });
    return undefined;
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
    // When the batch's merges were learnt (its latest receipt): stable for a replay, unlike the batch's time.
    let mergedAt = recordedAt;
    if (events.length > 0) {
      mergedAt = '';
      for (const event of events) if (event.receivedAt > mergedAt) mergedAt = event.receivedAt;
    }
    if (unified) {
      const merges = unified.merges.filter((m) => m.workspaceId === workspaceId);
      if (merges.length > 0 && (await hasConsent(trx, workspaceId)))
        await foldMergedConsent(trx, workspaceId, { merges, recordedAt: mergedAt });
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
      await foldMergedConsent(trx, workspaceId, { merges, recordedAt: mergedAt });
    }
    await applyConsentEvents(trx, workspaceId, { events: carrying, profileOf, recordedAt });
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
