import type { LeadScoreChangeReason } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { chunksOf, liveProfilesAmong } from '../identity/index.js';
import type { Database } from '../store/index.js';
import { type CompiledScoring, scoreOf } from './score-evaluation.js';
import { loadScoreFacts } from './score-facts.js';
import { deleteScores, readScores, type ScoreUpdate, saveScores } from './score-store.js';

/**
 * In the caller's transaction: these profiles scored again from what they are and did now.
 * Profiles no longer live (merged away, deleted) lose their score and history; a profile that
 * scores nothing and never scored keeps no row. Resolves to the number of scores that changed.
 */
export async function rescoreProfiles(
  db: Kysely<Database>,
  options: {
    workspaceId: string;
    scoring: CompiledScoring;
    profileIds: readonly string[];
    now: number;
    reason: LeadScoreChangeReason;
  },
): Promise<number> {
  const { workspaceId, scoring, now, reason } = options;
  const at = new Date(now).toISOString();
  let changed = 0;
  for (const chunk of chunksOf([...new Set(options.profileIds)])) {
    const live = new Set(await liveProfilesAmong(db, workspaceId, chunk));
    const gone = chunk.filter((id) => !live.has(id));
    if (gone.length > 0) await deleteScores(db, workspaceId, gone);
    const ids = chunk.filter((id) => live.has(id));
    if (ids.length === 0) continue;
    const [facts, stored] = await Promise.all([
      loadScoreFacts(db, workspaceId, ids, scoring),
      readScores(db, workspaceId, ids),
    ]);
    const updates: ScoreUpdate[] = [];
    for (const profileId of ids) {
      const profileFacts = facts.get(profileId);
      if (!profileFacts) continue;
      const score = scoreOf(scoring, profileFacts, now);
      const previous = stored.get(profileId);
      if (previous === undefined && score.total === 0 && score.breakdown.length === 0) continue;
      updates.push({ profileId, score, previous });
    }
    await saveScores(db, workspaceId, { updates, reason, at });
    changed += updates.length;
  }
  return changed;
}
