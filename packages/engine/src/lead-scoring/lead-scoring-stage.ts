import type { StoredEvent } from '@tandem/contract';
import type { Kysely, RawBuilder } from 'kysely';
import type { ComputedTraitsService } from '../computed-traits/index.js';
import { mergesCausedBy, profilesOfEvents } from '../identity/index.js';
import {
  FollowerBatches,
  type PipelinePartition,
  type PipelineStage,
  type ProfiledBatch,
  type Rederivation,
  resetCheckpoints,
  type StageBatch,
  workspaceInPartition,
} from '../pipeline-runtime/index.js';
import type { Database, Store } from '../store/index.js';
import { rescoreProfiles } from './rescore.js';
import type { CompiledScoring } from './score-evaluation.js';
import { advanceRescore, dueScores, nextProfiles, pendingRescore } from './score-sweeps.js';
import { lenientScoring, readStoredScoring, scopeOf } from './scoring-rules.js';

export const LEAD_SCORING_STAGE = 'lead-scoring';

export interface LeadScoringStageOptions {
  readonly batchSize?: number | undefined;
  /** Profiles rescored per transaction after an edit of the rules (short write locks). */
  readonly rescoreChunk?: number | undefined;
  /** The pipeline's partition count (PostgreSQL): partition p of this stage follows its feeder's p. */
  readonly partitions?: number | undefined;
  /** The stage it follows (segment, whose computed traits the rules read). */
  readonly feeder: string;
}

/** Decay steps and window edges re-checked per batch. */
const DUE_LIMIT = 1000;

/**
 * The log's consumer after segment, with its own checkpoint (`lead-scoring`): scores again every
 * profile a batch's events touched (in workspaces with rules), forgets merged-away profiles'
 * scores, and on each turn does what time or an edit asks: decay steps and window edges now
 * due, then one chunk of the rescore an edit of the rules started. Effects and checkpoint
 * commit together.
 */
export class LeadScoringStage implements PipelineStage {
  readonly name = LEAD_SCORING_STAGE;

  private readonly batches: FollowerBatches;

  constructor(
    store: Store,
    private readonly deps: { computedTraits: ComputedTraitsService; clock: () => number },
    private readonly options: LeadScoringStageOptions,
  ) {
    this.batches = new FollowerBatches(store, {
      stage: LEAD_SCORING_STAGE,
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
        await this.applyWorkspace(trx, { workspaceId, events, unified, now: this.deps.clock() });
        return undefined;
      },
      afterEvents: (trx, partition) => this.timeAndEdits(trx, this.deps.clock(), partitionScope(partition)),
    });
  }

  /** Runs until every event its feeder has passed is consumed and nothing is due. */
  async catchUp(): Promise<void> {
    while ((await this.processBatch()).consumed > 0) {}
  }

  /** In the caller's transaction, before a replay of the log: scores and history go. */
  async reset(db: Kysely<Database>): Promise<void> {
    await db.deleteFrom('lead_score_history').execute();
    await db.deleteFrom('lead_scores').execute();
    await resetCheckpoints(db, LEAD_SCORING_STAGE);
  }

  /** In the caller's transaction: these profiles scored again from what is now theirs. */
  async rederive(db: Kysely<Database>, change: Rederivation): Promise<undefined> {
    // Without rules, scores are only forgotten (a deleted profile's), never made.
    const scoring = (await this.scoringOf(db, change.workspaceId)) ?? NO_RULES;
    await rescoreProfiles(db, {
      workspaceId: change.workspaceId,
      scoring,
      profileIds: change.profileIds,
      now: this.deps.clock(),
      reason: 'rederive',
    });
    return undefined;
  }

  /** One workspace's events: their profiles (and the survivors of merges they caused) scored again. */
  private async applyWorkspace(
    trx: Kysely<Database>,
    batch: {
      workspaceId: string;
      events: readonly StoredEvent[];
      unified: ProfiledBatch | undefined;
      now: number;
    },
  ): Promise<void> {
    const { workspaceId, events, unified, now } = batch;
    const scoring = await this.scoringOf(trx, workspaceId);
    if (!scoring || scoring.rules.length === 0) return;
    const profileOf = new Map<number, string>();
    if (unified) {
      for (const { seq } of events) {
        const profileId = unified.profileOf.get(seq);
        if (profileId !== undefined) profileOf.set(seq, profileId);
      }
    } else {
      const seqs = events.map((e) => e.seq);
      for (const [seq, id] of await profilesOfEvents(trx, workspaceId, seqs)) profileOf.set(seq, id);
    }
    const touched = new Set(profileOf.values());
    const merges = unified
      ? {
          survivors: unified.merges.filter((m) => m.workspaceId === workspaceId).map((m) => m.survivorId),
          merged: unified.merges.filter((m) => m.workspaceId === workspaceId).map((m) => m.mergedId),
        }
      : await mergesCausedBy(trx, workspaceId, events, profileOf);
    // Merged-away profiles are no longer live: rescoring forgets their scores.
    for (const id of [...merges.survivors, ...merges.merged]) touched.add(id);
    await rescoreProfiles(trx, { workspaceId, scoring, profileIds: [...touched], now, reason: 'event' });
  }

  /** Time alone (due decay steps, window edges) and the rescore an edit started; true if any work. */
  private async timeAndEdits(
    trx: Kysely<Database>,
    now: number,
    inPartition: RawBuilder<boolean> | undefined,
  ): Promise<boolean> {
    let worked = false;
    for (const [workspaceId, profileIds] of await dueScores(trx, { now, limit: DUE_LIMIT, inPartition })) {
      const scoring = (await this.scoringOf(trx, workspaceId)) ?? NO_RULES;
      await rescoreProfiles(trx, { workspaceId, scoring, profileIds, now, reason: 'decay' });
      worked = true;
    }
    const pending = await pendingRescore(trx, inPartition);
    if (!pending) return worked;
    const scoring = (await this.scoringOf(trx, pending.workspaceId)) ?? NO_RULES;
    const limit = this.options.rescoreChunk ?? 1000;
    const profileIds = await nextProfiles(trx, {
      workspaceId: pending.workspaceId,
      after: pending.after,
      limit,
      scoredOnly: scoring.rules.length === 0,
    });
    await rescoreProfiles(trx, {
      workspaceId: pending.workspaceId,
      scoring,
      profileIds,
      now,
      reason: 'rules',
    });
    await advanceRescore(trx, {
      workspaceId: pending.workspaceId,
      version: pending.version,
      after: profileIds.length < limit ? undefined : profileIds.at(-1),
      rescored: pending.rescored + profileIds.length,
    });
    return true;
  }

  private async scoringOf(db: Kysely<Database>, workspaceId: string): Promise<CompiledScoring | undefined> {
    const stored = await readStoredScoring(db, workspaceId);
    if (!stored) return undefined;
    return lenientScoring(stored, await scopeOf(db, this.deps.computedTraits, workspaceId));
  }
}

const NO_RULES: CompiledScoring = { version: 0, rules: [], groupCaps: {}, cap: undefined };

/** The workspaces of a leased partition, or all of them unpartitioned. */
function partitionScope(partition: PipelinePartition): RawBuilder<boolean> | undefined {
  return partition.count > 1 ? workspaceInPartition(partition) : undefined;
}
