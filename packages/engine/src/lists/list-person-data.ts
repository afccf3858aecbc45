import {
  isPersonsRow,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
} from '../person-data/index.js';
import type { Store } from '../store/index.js';

/** Lists' share of a person: their memberships of static lists (under any of their profile ids). */
export class ListPersonData implements PersonDataHolder {
  readonly domain = 'lists';

  constructor(private readonly store: Store) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const memberships = await this.store.db
      .selectFrom('static_list_members as member')
      .innerJoin('static_lists as list', (join) =>
        join
          .onRef('list.workspace_id', '=', 'member.workspace_id')
          .onRef('list.list_id', '=', 'member.list_id'),
      )
      .select(['list.name', 'list.description', 'member.added_at'])
      .where('member.workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'member.profile_id' }))
      .orderBy('member.added_at')
      .execute();
    return {
      lists: memberships.map((m) => ({ list: m.name, description: m.description, addedAt: m.added_at })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const tally = new PersonDataTally();
    tally.add(
      'static_list_members',
      await this.store.db
        .deleteFrom('static_list_members')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id' }))
        .executeTakeFirst(),
    );
    return tally.counts;
  }
}
