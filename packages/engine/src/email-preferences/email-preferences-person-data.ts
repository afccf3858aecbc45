import {
  isPersonsRow,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
} from '../person-data/index.js';
import type { Store } from '../store/index.js';

/**
 * Email preferences' share of a person: their subscription decisions, the suppressions of their
 * addresses, and the log of mail sent to them (what the frequency cap counts). Erasure removes all
 * three: a suppression that must outlive the person is privacy's suppress request, kept there as a
 * keyed hash, never as the address in clear. Anonymization keeps the send log's counts under the
 * anonymous profile, without the address.
 */
export class EmailPreferencesPersonData implements PersonDataHolder {
  readonly domain = 'email_preferences';

  constructor(private readonly store: Store) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const { db } = this.store;
    const [changes, suppressions, sends] = await Promise.all([
      db
        .selectFrom('email_subscription_changes as change')
        .leftJoin('email_topics as topic', (join) =>
          join
            .onRef('topic.workspace_id', '=', 'change.workspace_id')
            .onRef('topic.topic_id', '=', 'change.topic_id'),
        )
        .select(['change.topic_id', 'topic.name', 'change.subscribed', 'change.source', 'change.at'])
        .where('change.workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'change.profile_id' }))
        .orderBy('change.at')
        .execute(),
      db
        .selectFrom('email_suppressions')
        .selectAll()
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id', email: 'address' }))
        .execute(),
      db
        .selectFrom('email_sends')
        .selectAll()
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id', email: 'address' }))
        .orderBy('sent_at')
        .execute(),
    ]);
    return {
      subscriptionChanges: changes.map((c) => ({
        topic: c.topic_id === '*' ? 'All marketing email' : (c.name ?? c.topic_id),
        subscribed: c.subscribed === 1,
        source: c.source,
        at: c.at,
      })),
      suppressions: suppressions.map((s) => ({
        address: s.address,
        reason: s.reason,
        note: s.note,
        since: s.created_at,
      })),
      sent: sends.map((s) => ({ address: s.address, category: s.category, sentAt: s.sent_at })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const tally = await this.dropChoices(person);
    tally.add(
      'email_sends',
      await this.store.db
        .deleteFrom('email_sends')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id', email: 'address' }))
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  async anonymizePerson(person: PersonRef, anonymousProfileId: string): Promise<PersonDataCounts> {
    const tally = await this.dropChoices(person);
    tally.add(
      'email_sends',
      await this.store.db
        .updateTable('email_sends')
        .set({ profile_id: anonymousProfileId, address: '' })
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id', email: 'address' }))
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  /** Removes the person's subscription decisions and suppressions (nothing counts them). */
  private async dropChoices(person: PersonRef): Promise<PersonDataTally> {
    const { db } = this.store;
    const tally = new PersonDataTally();
    tally.add(
      'email_subscription_changes',
      await db
        .deleteFrom('email_subscription_changes')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id' }))
        .executeTakeFirst(),
    );
    tally.add(
      'email_suppressions',
      await db
        .deleteFrom('email_suppressions')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id', email: 'address' }))
        .executeTakeFirst(),
    );
    return tally;
  }
}
