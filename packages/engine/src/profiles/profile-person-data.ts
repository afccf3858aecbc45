import {
  countPerChunk,
  type PersonDataCounts,
  type PersonDataHolder,
  type PersonRef,
  personChunks,
} from '../person-data/index.js';
import { fromJson, type Store } from '../store/index.js';

// profiles/' share of a person: the traits of each of their profiles (values and the previous
// values kept beside them) and the companies they belong to. Traits are personal through and
// through, so anonymizing erases them (no anonymizePerson).

export function profilePersonData(store: Store): PersonDataHolder {
  return {
    domain: 'profiles',

    async exportPerson(person: PersonRef) {
      const traits: { profileId: string; name: string; value: unknown; setAt: string; firstSeen: string }[] =
        [];
      const companies: {
        profileId: string;
        companyId: string;
        groupId: string;
        name: string;
        since: string;
      }[] = [];
      for (const profileIds of personChunks(person.profileIds)) {
        const traitRows = await store.db
          .selectFrom('profile_traits')
          .select(['profile_id', 'name', 'value', 'set_at', 'first_seen'])
          .where('workspace_id', '=', person.workspaceId)
          .where('profile_id', 'in', profileIds)
          .orderBy('profile_id')
          .orderBy('name')
          .execute();
        for (const row of traitRows)
          traits.push({
            profileId: row.profile_id,
            name: row.name,
            value: fromJson(row.value),
            setAt: row.set_at,
            firstSeen: row.first_seen,
          });
        const memberRows = await store.db
          .selectFrom('company_members as m')
          .innerJoin('companies as c', (join) =>
            join.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.company_id', '=', 'm.company_id'),
          )
          .select(['m.profile_id', 'c.company_id', 'c.group_id', 'c.name', 'm.created_at'])
          .where('m.workspace_id', '=', person.workspaceId)
          .where('m.profile_id', 'in', profileIds)
          .execute();
        for (const row of memberRows)
          companies.push({
            profileId: row.profile_id,
            companyId: row.company_id,
            groupId: row.group_id,
            name: row.name,
            since: row.created_at,
          });
      }
      return { traits, companies };
    },

    erasePerson: (person: PersonRef) =>
      countPerChunk(person.profileIds, async (profileIds) => {
        const counts: PersonDataCounts = {};
        for (const table of ['profile_traits', 'company_members'] as const) {
          const result = await store.db
            .deleteFrom(table)
            .where('workspace_id', '=', person.workspaceId)
            .where('profile_id', 'in', profileIds)
            .executeTakeFirst();
          counts[table] = Number(result.numDeletedRows);
        }
        return counts;
      }),
  };
}
