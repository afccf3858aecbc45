import {
  isPersonsRow,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
} from '../person-data/index.js';
import type { Store } from '../store/index.js';

/**
 * Engagement's share of a person: the opens, clicks, bounces, complaints and unsubscribes of mail
 * sent to them (tracking keys are the workspace's, not the person's). Anonymization keeps each
 * engagement for the counts, re-keyed, without the browser or the URL (it may carry their data).
 */
export class EmailEngagementPersonData implements PersonDataHolder {
  readonly domain = 'email_engagement';

  constructor(private readonly store: Store) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const engagements = await this.store.db
      .selectFrom('email_engagements')
      .selectAll()
      .where('workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'profile_id' }))
      .orderBy('at')
      .execute();
    return {
      engagements: engagements.map((e) => ({
        emailId: e.message_id,
        kind: e.kind,
        url: e.url,
        byMachine: e.machine === 1,
        userAgent: e.user_agent,
        at: e.at,
      })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const tally = new PersonDataTally();
    tally.add(
      'email_engagements',
      await this.store.db
        .deleteFrom('email_engagements')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id' }))
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  async anonymizePerson(person: PersonRef, anonymousProfileId: string): Promise<PersonDataCounts> {
    const tally = new PersonDataTally();
    tally.add(
      'email_engagements',
      await this.store.db
        .updateTable('email_engagements')
        .set({ profile_id: anonymousProfileId, url: null, user_agent: null })
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id' }))
        .executeTakeFirst(),
    );
    return tally.counts;
  }
}
