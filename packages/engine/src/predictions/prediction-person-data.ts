import { countPerChunk, type PersonDataHolder, type PersonRef, personChunks } from '../person-data/index.js';
import { fromJson, type Store } from '../store/index.js';

// predictions/' share of a person: their latest predictions. Nothing in them is countable once
// the person is gone (the workspace's distributions are rebuilt by the next refresh), so
// anonymizing erases too.
export function predictionPersonData(store: Store): PersonDataHolder {
  return {
    domain: 'predictions',

    async exportPerson(person: PersonRef) {
      const predictions: unknown[] = [];
      for (const profileIds of personChunks(person.profileIds)) {
        const rows = await store.db
          .selectFrom('person_predictions')
          .select(['predictions'])
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .execute();
        for (const row of rows) predictions.push(fromJson(row.predictions));
      }
      return { predictions };
    },

    erasePerson: (person: PersonRef) =>
      countPerChunk(person.profileIds, async (profileIds) => {
        const removed = await store.db
          .deleteFrom('person_predictions')
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .executeTakeFirst();
        return { person_predictions: Number(removed.numDeletedRows) };
      }),
  };
}
