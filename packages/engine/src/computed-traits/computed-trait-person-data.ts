import { countPerChunk, type PersonDataHolder, type PersonRef, personChunks } from '../person-data/index.js';
import { fromJson, type Store } from '../store/index.js';

// computed-traits/' share of a person: each computed trait's value and the partial aggregates
// behind it, per profile. Values describe the person, so anonymizing erases them.

export function computedTraitPersonData(store: Store): PersonDataHolder {
  return {
    domain: 'computed_traits',

    async exportPerson(person: PersonRef) {
      const values: { profileId: string; traitId: string; trait: string; value: unknown }[] = [];
      for (const profileIds of personChunks(person.profileIds)) {
        const rows = await store.db
          .selectFrom('computed_trait_values as v')
          .innerJoin('computed_traits as t', (join) =>
            join.onRef('t.workspace_id', '=', 'v.workspace_id').onRef('t.trait_id', '=', 'v.trait_id'),
          )
          .select(['v.profile_id', 'v.trait_id', 't.name', 'v.value'])
          .where('v.workspace_id', '=', person.workspaceId)
          .where('v.profile_id', 'in', profileIds)
          .orderBy('t.name')
          .execute();
        for (const row of rows)
          values.push({
            profileId: row.profile_id,
            traitId: row.trait_id,
            trait: row.name,
            value: fromJson(row.value),
          });
      }
      return { values };
    },

    erasePerson: (person: PersonRef) =>
      countPerChunk(person.profileIds, async (profileIds) => {
        const result = await store.db
          .deleteFrom('computed_trait_values')
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .executeTakeFirst();
        return { computed_trait_values: Number(result.numDeletedRows) };
      }),
  };
}
