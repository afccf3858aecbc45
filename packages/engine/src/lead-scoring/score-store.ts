import type { LeadScoreChange, LeadScoreChangeReason, LeadScoreContribution } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import { newId } from '../ids/index.js';
import { type Database, fromJson } from '../store/index.js';
import type { ComputedScore } from './score-evaluation.js';

/** History entries kept per profile (the oldest go first). */
export const HISTORY_LIMIT = 50;
/** Entries allowed over the limit before pruning (pruning in steps, not at every change). */
const HISTORY_SLACK = 10;

export interface StoredScore {
  readonly total: number;
  readonly fit: number;
  readonly engagement: number;
  readonly breakdown: readonly LeadScoreContribution[];
  readonly scoredAt: string;
  readonly dueAt: string | null;
  readonly historyLength: number;
  readonly lastChangeId: string | null;
  readonly lastReason: string | null;
}

export async function readScores(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, StoredScore>> {
  const scores = new Map<string, StoredScore>();
  for (const chunk of chunksOf(profileIds)) {
    const rows = await db
      .selectFrom('lead_scores')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const row of rows) {
      scores.set(row.profile_id, {
        total: Number(row.total),
        fit: Number(row.fit),
        engagement: Number(row.engagement),
        breakdown: fromJson<LeadScoreContribution[]>(row.breakdown),
        scoredAt: row.scored_at,
        dueAt: row.due_at,
        historyLength: Number(row.history_length),
        lastChangeId: row.last_change_id,
        lastReason: row.last_reason,
      });
    }
  }
  return scores;
}

/** One profile's new score, and the stored one it replaces (if any). */
export interface ScoreUpdate {
  readonly profileId: string;
  readonly score: ComputedScore;
  readonly previous: StoredScore | undefined;
}

/**
 * Writes new scores with their history entries. Consecutive decay steps fold into one entry
 * (a score fading day after day would otherwise push every other change out of the history).
 */
export async function saveScores(
  db: Kysely<Database>,
  workspaceId: string,
  { updates, reason, at }: { updates: readonly ScoreUpdate[]; reason: LeadScoreChangeReason; at: string },
): Promise<void> {
  for (const { profileId, score, previous } of updates) {
    const dueAt = score.dueAt === null ? null : new Date(score.dueAt).toISOString();
    if (previous !== undefined && sameScore(previous, score)) {
      if (previous.dueAt !== dueAt) await updateDue(db, workspaceId, profileId, dueAt);
      continue;
    }
    const changes = changedRules(previous?.breakdown ?? [], score.breakdown);
    const folds = reason === 'decay' && previous?.lastReason === 'decay' && previous.lastChangeId !== null;
    let changeId: string;
    let historyLength = previous?.historyLength ?? 0;
    if (folds && previous?.lastChangeId) {
      changeId = previous.lastChangeId;
      await foldDecay(db, workspaceId, changeId, { score, changes, at });
    } else {
      changeId = newId('leadScore');
      historyLength += 1;
      await db
        .insertInto('lead_score_history')
        .values({
          workspace_id: workspaceId,
          change_id: changeId,
          profile_id: profileId,
          at,
          reason,
          total: score.total,
          fit: score.fit,
          engagement: score.engagement,
          previous_total: previous?.total ?? 0,
          changes: JSON.stringify(changes),
        })
        .execute();
    }
    if (historyLength > HISTORY_LIMIT + HISTORY_SLACK) {
      await pruneHistory(db, workspaceId, profileId);
      historyLength = HISTORY_LIMIT;
    }
    const row = {
      total: score.total,
      fit: score.fit,
      engagement: score.engagement,
      breakdown: JSON.stringify(score.breakdown),
      scored_at: at,
      due_at: dueAt,
      history_length: historyLength,
      last_change_id: changeId,
      last_reason: reason,
    };
    await db
      .insertInto('lead_scores')
      .values({ workspace_id: workspaceId, profile_id: profileId, ...row })
      .onConflict((conflict) => conflict.columns(['workspace_id', 'profile_id']).doUpdateSet(row))
      .execute();
  }
}

/** Forgets these profiles' scores and history (merged away, deleted, or a reset). */
export async function deleteScores(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<void> {
  for (const chunk of chunksOf(profileIds)) {
    await db
      .deleteFrom('lead_scores')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    await db
      .deleteFrom('lead_score_history')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
  }
}

export async function historyOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
): Promise<LeadScoreChange[]> {
  const rows = await db
    .selectFrom('lead_score_history')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .orderBy('at', 'desc')
    .orderBy('change_id', 'desc')
    .limit(HISTORY_LIMIT)
    .execute();
  return rows.map((row) => ({
    at: row.at,
    // Written from the contract's reasons only.
    reason: row.reason as LeadScoreChangeReason,
    total: Number(row.total),
    fit: Number(row.fit),
    engagement: Number(row.engagement),
    previousTotal: Number(row.previous_total),
    changes: fromJson<LeadScoreChange['changes']>(row.changes),
  }));
}

function sameScore(previous: StoredScore, score: ComputedScore): boolean {
  return (
    previous.total === score.total &&
    previous.fit === score.fit &&
    previous.engagement === score.engagement &&
    JSON.stringify(previous.breakdown) === JSON.stringify(score.breakdown)
  );
}

/** The rules whose points differ between two breakdowns. */
function changedRules(
  before: readonly LeadScoreContribution[],
  after: readonly LeadScoreContribution[],
): LeadScoreChange['changes'] {
  const from = new Map(before.map((c) => [c.rule, c.points]));
  const to = new Map(after.map((c) => [c.rule, c.points]));
  const rules = new Set([...from.keys(), ...to.keys()]);
  return [...rules]
    .map((rule) => ({ rule, from: from.get(rule) ?? 0, to: to.get(rule) ?? 0 }))
    .filter((change) => change.from !== change.to);
}

async function foldDecay(
  db: Kysely<Database>,
  workspaceId: string,
  changeId: string,
  { score, changes, at }: { score: ComputedScore; changes: LeadScoreChange['changes']; at: string },
): Promise<void> {
  const entry = await db
    .selectFrom('lead_score_history')
    .select('changes')
    .where('workspace_id', '=', workspaceId)
    .where('change_id', '=', changeId)
    .executeTakeFirst();
  // Each rule keeps the points it had before the first step of the fold.
  const folded = new Map(
    (entry ? fromJson<LeadScoreChange['changes']>(entry.changes) : []).map((c) => [c.rule, c]),
  );
  for (const change of changes) {
    const earlier = folded.get(change.rule);
    folded.set(change.rule, { rule: change.rule, from: earlier?.from ?? change.from, to: change.to });
  }
  await db
    .updateTable('lead_score_history')
    .set({
      at,
      total: score.total,
      fit: score.fit,
      engagement: score.engagement,
      changes: JSON.stringify([...folded.values()].filter((c) => c.from !== c.to)),
    })
    .where('workspace_id', '=', workspaceId)
    .where('change_id', '=', changeId)
    .execute();
}

async function pruneHistory(db: Kysely<Database>, workspaceId: string, profileId: string): Promise<void> {
  const kept = await db
    .selectFrom('lead_score_history')
    .select('change_id')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .orderBy('at', 'desc')
    .orderBy('change_id', 'desc')
    .limit(HISTORY_LIMIT)
    .execute();
  if (kept.length === 0) return;
  await db
    .deleteFrom('lead_score_history')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .where(
      'change_id',
      'not in',
      kept.map((k) => k.change_id),
    )
    .execute();
}

async function updateDue(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
  dueAt: string | null,
): Promise<void> {
  await db
    .updateTable('lead_scores')
    .set({ due_at: dueAt })
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .execute();
}
