import type {
  ErrorDetail,
  LeadScore,
  LeadScoreCalibration,
  LeadScoreContribution,
  LeadScoring,
  LeadScoringSettings,
  ScoredLead,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { ComputedTraitsService } from '../computed-traits/index.js';
import { AppError, type Result } from '../errors/index.js';
import type { IdentityService } from '../identity/index.js';
import { type Database, nowIso, type Store, writeTransaction } from '../store/index.js';
import { calibrationOf, type DealOutcome } from './calibration.js';
import { historyOf, readScores } from './score-store.js';
import { compileScoring, readStoredScoring, scopeOf } from './scoring-rules.js';

/** A profile's current score, as other views show it. */
export interface LeadScoreSummary {
  readonly total: number;
  readonly fit: number;
  readonly engagement: number;
  readonly breakdown: readonly LeadScoreContribution[];
}

/** The closed deals of a workspace, each with a person it was for (the deals domain answers). */
export type OutcomesOf = (workspaceId: string) => Promise<readonly DealOutcome[]>;

/**
 * Lead scoring's rules, scores and calibration. Saving rules starts a rescore of the workspace
 * that the pipeline's lead-scoring stage runs in short transactions (see LeadScoringStage).
 */
export class LeadScoringService {
  private outcomesOf: OutcomesOf | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly deps: {
      identity: IdentityService;
      computedTraits: ComputedTraitsService;
      clock: () => number;
    },
  ) {}

  /** Where calibration finds deals won and lost (wired by whoever owns deals). */
  calibrateWith(outcomesOf: OutcomesOf): void {
    this.outcomesOf = outcomesOf;
  }

  /** Called after rules are saved (the pipeline is woken to start the rescore). */
  onRulesChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async settings(workspaceId: string): Promise<LeadScoring> {
    const stored = await readStoredScoring(this.store.db, workspaceId);
    if (!stored) return { rules: [], updatedAt: null, rescore: { running: false, scored: 0 } };
    return {
      ...stored.settings,
      updatedAt: stored.updatedAt,
      rescore: { running: stored.rescoreAfter !== null, scored: stored.rescored },
    };
  }

  /** Replaces the rules (validated against the workspace) and starts a rescore of every profile. */
  async update(
    workspaceId: string,
    settings: LeadScoringSettings,
  ): Promise<Result<LeadScoring, ErrorDetail[]>> {
    const compiled = compileScoring(
      settings,
      await scopeOf(this.store.db, this.deps.computedTraits, workspaceId),
      0,
    );
    if (!compiled.ok) return compiled;
    const at = nowIso(this.deps.clock);
    await writeTransaction(this.store, async (trx) => {
      const stored = await readStoredScoring(trx, workspaceId);
      const row = {
        settings: JSON.stringify(settings),
        version: (stored?.version ?? 0) + 1,
        rescore_after: '',
        rescored: 0,
        updated_at: at,
      };
      await trx
        .insertInto('lead_scoring_rules')
        .values({ workspace_id: workspaceId, ...row })
        .onConflict((conflict) => conflict.column('workspace_id').doUpdateSet(row))
        .execute();
    });
    for (const listener of this.listeners) listener();
    return { ok: true, value: await this.settings(workspaceId) };
  }

  /** A profile's score (a merged-away id answers for its survivor), breakdown and history. */
  async scoreOf(workspaceId: string, profileId: string): Promise<LeadScore> {
    const live = await this.deps.identity.resolveProfileId(workspaceId, profileId);
    if (live === undefined) throw new AppError('not_found', `No profile ${profileId}`);
    const [score] = [...(await readScores(this.store.db, workspaceId, [live])).values()];
    return {
      profileId: live,
      total: score?.total ?? 0,
      fit: score?.fit ?? 0,
      engagement: score?.engagement ?? 0,
      breakdown: [...(score?.breakdown ?? [])],
      scoredAt: score?.scoredAt ?? null,
      history: await historyOf(this.store.db, workspaceId, live),
    };
  }

  /** Current scores of these profiles (absent: 0, no rule gave points). */
  scoresOf(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, LeadScoreSummary>> {
    return leadScoresOf(this.store.db, workspaceId, profileIds);
  }

  /** The workspace's highest scores, best first. */
  async topLeads(workspaceId: string, limit: number): Promise<ScoredLead[]> {
    const rows = await this.store.db
      .selectFrom('lead_scores')
      .select(['profile_id', 'total', 'fit', 'engagement', 'scored_at'])
      .where('workspace_id', '=', workspaceId)
      .where('total', '>', 0)
      .orderBy('total', 'desc')
      .orderBy('profile_id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      profileId: row.profile_id,
      total: Number(row.total),
      fit: Number(row.fit),
      engagement: Number(row.engagement),
      scoredAt: row.scored_at,
    }));
  }

  /** Score bands against deals won and lost by the people in them. */
  async calibration(workspaceId: string): Promise<LeadScoreCalibration> {
    const settings = await this.settings(workspaceId);
    if (!this.outcomesOf) return calibrationOf({ settings, outcomes: undefined, scores: new Map() });
    const outcomes = await this.outcomesOf(workspaceId);
    const scores = await leadScoresOf(
      this.store.db,
      workspaceId,
      outcomes.map((o) => o.profileId),
    );
    return calibrationOf({ settings, outcomes, scores });
  }
}

/** Current scores of these profiles, for views of other domains (a person's CRM view). */
export async function leadScoresOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, LeadScoreSummary>> {
  const stored = await readScores(db, workspaceId, profileIds);
  const scores = new Map<string, LeadScoreSummary>();
  for (const [profileId, score] of stored) {
    const { total, fit, engagement, breakdown } = score;
    scores.set(profileId, { total, fit, engagement, breakdown });
  }
  return scores;
}
