import {
  isPersonsRow,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
} from '../person-data/index.js';
import type { Store } from '../store/index.js';

/**
 * Email's share of a person: every message queued or sent to them (by profile, or by the address
 * it went to), with its delivery and engagement times, and the marketing slot a sender holds for
 * them while one is being sent. Rendered bodies are never stored. Erasure removes the messages;
 * anonymization keeps them for the origin counts (sent, opened, clicked) under the anonymous
 * profile, without address, subject, triggering event, headers or relay text. Slots go either way.
 */
export class EmailPersonData implements PersonDataHolder {
  readonly domain = 'email';

  constructor(private readonly store: Store) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const slots = await this.store.db
      .selectFrom('email_marketing_slots')
      .select(['message_id', 'expires_at'])
      .where('workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'profile_id' }))
      .execute();
    const messages = await this.store.db
      .selectFrom('email_messages')
      .leftJoin('email_templates as template', (join) =>
        join
          .onRef('template.workspace_id', '=', 'email_messages.workspace_id')
          .onRef('template.template_id', '=', 'email_messages.template_id'),
      )
      .select([
        'email_messages.message_id',
        'template.name as template_name',
        'email_messages.origin_kind',
        'email_messages.status',
        'email_messages.to_address',
        'email_messages.subject',
        'email_messages.sent_at',
        'email_messages.delivered_at',
        'email_messages.bounced_at',
        'email_messages.opened_at',
        'email_messages.clicked_at',
        'email_messages.unsubscribed_at',
        'email_messages.created_at',
      ])
      .where('email_messages.workspace_id', '=', person.workspaceId)
      .where(this.isPersonsMessage(person))
      .orderBy('email_messages.created_at')
      .execute();
    return {
      messages: messages.map((m) => ({
        id: m.message_id,
        template: m.template_name,
        sentBy: m.origin_kind,
        status: m.status,
        to: m.to_address,
        subject: m.subject,
        queuedAt: m.created_at,
        sentAt: m.sent_at,
        deliveredAt: m.delivered_at,
        bouncedAt: m.bounced_at,
        openedAt: m.opened_at,
        clickedAt: m.clicked_at,
        unsubscribedAt: m.unsubscribed_at,
      })),
      marketingBeingSent: slots.map((slot) => ({ message: slot.message_id, heldUntil: slot.expires_at })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const tally = await this.dropSlots(person);
    tally.add(
      'email_messages',
      await this.store.db
        .deleteFrom('email_messages')
        .where('workspace_id', '=', person.workspaceId)
        .where(this.isPersonsMessage(person))
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  async anonymizePerson(person: PersonRef, anonymousProfileId: string): Promise<PersonDataCounts> {
    const tally = await this.dropSlots(person);
    tally.add(
      'email_messages',
      await this.store.db
        .updateTable('email_messages')
        .set({
          profile_id: anonymousProfileId,
          to_address: null,
          subject: null,
          event: null,
          headers: null,
          error: null,
          relay_response: null,
        })
        .where('workspace_id', '=', person.workspaceId)
        .where(this.isPersonsMessage(person))
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  /** Removes the person's marketing slots (nothing counts them). */
  private async dropSlots(person: PersonRef): Promise<PersonDataTally> {
    const tally = new PersonDataTally();
    tally.add(
      'email_marketing_slots',
      await this.store.db
        .deleteFrom('email_marketing_slots')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id' }))
        .executeTakeFirst(),
    );
    return tally;
  }

  /** A message to the person: by profile, or by the address it went to. */
  private isPersonsMessage(person: PersonRef) {
    return isPersonsRow(person, {
      profileId: 'email_messages.profile_id',
      email: 'email_messages.to_address',
    });
  }
}
