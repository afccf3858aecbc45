import { countPerChunk, type PersonDataHolder, type PersonRef, personChunks } from '../person-data/index.js';
import { fromJson, type Store } from '../store/index.js';

// lead-scoring/' share of a person: the current score of each profile and its history of changes.
// Anonymizing keeps the history (what moves scores, counted over time) under the anonymous
// profile and drops the current scores, which no one can act on any more.

export function leadScorePersonData(store: Store): PersonDataHolder {
  const eraseScores = (person: PersonRef, profileIds: string[]) =>
    store.db
      .deleteFrom('lead_scores')
      .where('workspace_id', '=', person.workspaceId)
      .where('profile_id', 'in', profileIds)
      .executeTakeFirst();

  return {
    domain: 'lead_scoring',

    async exportPerson(person: PersonRef) {
      const scores: unknown[] = [];
      const history: unknown[] = [];
      for (const profileIds of personChunks(person.profileIds)) {
        const scoreRows = await store.db
          .selectFrom('lead_scores')
          .select(['profile_id', 'total', 'fit', 'engagement', 'breakdown', 'scored_at'])
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .execute();
        for (const row of scoreRows)
          scores.push({
            profileId: row.profile_id,
            total: Number(row.total),
            fit: Number(row.fit),
            engagement: Number(row.engagement),
            breakdown: fromJson(row.breakdown),
            scoredAt: row.scored_at,
          });
        const historyRows = await store.db
          .selectFrom('lead_score_history')
          .select(['profile_id', 'at', 'reason', 'total', 'previous_total', 'changes'])
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .orderBy('at')
          .execute();
        for (const row of historyRows)
          history.push({
            profileId: row.profile_id,
            at: row.at,
            reason: row.reason,
            total: Number(row.total),
            previousTotal: Number(row.previous_total),
            changes: fromJson(row.changes),
          });
      }
      return { scores, history };
    },

    erasePerson: (person: PersonRef) =>
      countPerChunk(person.profileIds, async (profileIds) => {
        const scores = await eraseScores(person, profileIds);
        const history = await store.db
          .deleteFrom('lead_score_history')
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .executeTakeFirst();
        return {
          lead_scores: Number(scores.numDeletedRows),
          lead_score_history: Number(history.numDeletedRows),
        };
      }),

    anonymizePerson: (person: PersonRef, anonymousProfileId: string) =>
      countPerChunk(person.profileIds, async (profileIds) => {
        const scores = await eraseScores(person, profileIds);
        const history = await store.db
          .updateTable('lead_score_history')
          .set({ profile_id: anonymousProfileId })
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .executeTakeFirst();
        return {
          lead_scores: Number(scores.numDeletedRows),
          lead_score_history_rekeyed: Number(history.numUpdatedRows),
        };
      }),
  };
}
