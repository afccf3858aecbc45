import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { chunksOf } from '../../identity/index.js';
import {
  emailAddressesOf,
  isPersonsRow,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
  withoutPersonsValues,
} from '../../person-data/index.js';
import { type Database, fromJson, type Store, textContains, toJson } from '../../store/index.js';

/** The tables hanging off a ticket, removed with it (or with its personal content). */
const CONTENT_TABLES = ['ticket_attachments', 'ticket_messages', 'ticket_emails'] as const;
const KEPT_WITH_TICKET = [
  'ticket_tags',
  'ticket_deals',
  'ticket_status_changes',
  'sla_clocks',
  'csat_skipped_tickets',
  'csat_surveys',
] as const;

/**
 * The service desk's share of a person: the tickets they requested (conversation, attachments,
 * ticket mail, SLA clocks, satisfaction answers), their messages on other tickets, their address
 * in other tickets' CC lists, and their help-center sign-in tokens. Erasure removes the tickets;
 * anonymization keeps them for counts (status, priority, times, tags, SLA, scores) with nothing
 * identifying: no subject, requester, CC, fields, conversation, mail or comment.
 */
export class DeskPersonData implements PersonDataHolder {
  readonly domain = 'service_desk';

  constructor(private readonly store: Store) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const { db } = this.store;
    const ticketIds = await this.ticketIdsOf(person);
    const tickets = [];
    for (const chunk of chunksOf(ticketIds)) {
      const [rows, messages, attachments, surveys] = await Promise.all([
        db
          .selectFrom('tickets')
          .selectAll()
          .where('workspace_id', '=', person.workspaceId)
          .where('ticket_id', 'in', chunk)
          .orderBy('number')
          .execute(),
        db
          .selectFrom('ticket_messages')
          .selectAll()
          .where('workspace_id', '=', person.workspaceId)
          .where('ticket_id', 'in', chunk)
          .orderBy('created_at')
          .execute(),
        db
          .selectFrom('ticket_attachments')
          .selectAll()
          .where('workspace_id', '=', person.workspaceId)
          .where('ticket_id', 'in', chunk)
          .execute(),
        db
          .selectFrom('csat_surveys')
          .selectAll()
          .where('workspace_id', '=', person.workspaceId)
          .where('ticket_id', 'in', chunk)
          .execute(),
      ]);
      for (const ticket of rows) {
        const survey = surveys.find((s) => s.ticket_id === ticket.ticket_id);
        tickets.push({
          number: ticket.number,
          subject: ticket.subject,
          status: ticket.status,
          priority: ticket.priority,
          type: ticket.type,
          channel: ticket.channel,
          requesterEmail: ticket.requester_email,
          cc: fromJson<string[]>(ticket.cc),
          tags: fromJson<string[]>(ticket.tags),
          fields: fromJson<unknown>(ticket.fields),
          createdAt: ticket.created_at,
          solvedAt: ticket.solved_at,
          messages: messages
            .filter((m) => m.ticket_id === ticket.ticket_id)
            .map((m) => ({
              from: m.author_type,
              authorEmail: m.author_email,
              public: m.public === 1,
              channel: m.channel,
              body: m.body,
              sentAt: m.created_at,
              attachments: attachments
                .filter((a) => a.message_id === m.message_id)
                .map((a) => ({
                  filename: a.filename,
                  contentType: a.content_type,
                  size: a.size,
                  contentBase64: a.content,
                })),
            })),
          satisfaction: survey
            ? {
                score: survey.score,
                comment: survey.comment,
                answeredAt: survey.answered_at,
                sentTo: survey.email,
              }
            : null,
        });
      }
    }
    const own = new Set(ticketIds);
    const written = await this.messagesByPerson(db, person)
      .select(['ticket_id', 'body', 'channel', 'created_at'])
      .execute();
    return {
      tickets,
      messagesOnOtherTickets: written
        .filter((m) => !own.has(m.ticket_id))
        .map((m) => ({
          ticketId: m.ticket_id,
          body: m.body,
          channel: m.channel,
          sentAt: m.created_at,
        })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const tally = new PersonDataTally();
    const ticketIds = await this.ticketIdsOf(person);
    await this.removeContent(person, ticketIds, tally);
    const { db } = this.store;
    // Dependants first, the ticket last: an interrupted erasure is finished by the next one.
    await tally.inChunks([...KEPT_WITH_TICKET, 'tickets'] as const, ticketIds, (table, chunk) =>
      db
        .deleteFrom(table)
        .where('workspace_id', '=', person.workspaceId)
        .where('ticket_id', 'in', chunk)
        .executeTakeFirst(),
    );
    // Clocks and surveys keyed by the person though their ticket is gone (a merged ticket's);
    // surveys also by the address they went to.
    tally.add(
      'sla_clocks',
      await db
        .deleteFrom('sla_clocks')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id' }))
        .executeTakeFirst(),
    );
    tally.add(
      'csat_surveys',
      await db
        .deleteFrom('csat_surveys')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id', email: 'email' }))
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  async anonymizePerson(person: PersonRef, anonymousProfileId: string): Promise<PersonDataCounts> {
    const tally = new PersonDataTally();
    const ticketIds = await this.ticketIdsOf(person);
    await this.removeContent(person, ticketIds, tally);
    const { db } = this.store;
    tally.add('tickets', 0);
    tally.add('sla_clocks', 0);
    tally.add('csat_surveys', 0);
    for (const chunk of chunksOf(ticketIds)) {
      const scoped = { workspaceId: person.workspaceId, ticketIds: chunk };
      tally.add(
        'tickets',
        await db
          .updateTable('tickets')
          .set({
            subject: '',
            profile_id: anonymousProfileId,
            requester_email: null,
            company_id: null,
            cc: toJson([]),
            fields: toJson({}),
          })
          .where('workspace_id', '=', scoped.workspaceId)
          .where('ticket_id', 'in', scoped.ticketIds)
          .executeTakeFirst(),
      );
      tally.add(
        'sla_clocks',
        await db
          .updateTable('sla_clocks')
          .set({ profile_id: anonymousProfileId })
          .where('workspace_id', '=', scoped.workspaceId)
          .where('ticket_id', 'in', scoped.ticketIds)
          .executeTakeFirst(),
      );
      // A survey keeps its score (the satisfaction report counts it), not who answered or what they wrote.
      tally.add(
        'csat_surveys',
        await db
          .updateTable('csat_surveys')
          .set({
            profile_id: anonymousProfileId,
            email: '',
            subject: '',
            comment: null,
            delivery_error: null,
          })
          .where('workspace_id', '=', scoped.workspaceId)
          .where('ticket_id', 'in', scoped.ticketIds)
          .executeTakeFirst(),
      );
    }
    return tally.counts;
  }

  /**
   * What both erasure and anonymization remove: the tickets' conversation, attachments and mail,
   * the person's messages on other tickets, their address or profile on other tickets (CC, relation
   * fields), their sign-ins.
   */
  private async removeContent(person: PersonRef, ticketIds: readonly string[], tally: PersonDataTally) {
    const { db } = this.store;
    await tally.inChunks(CONTENT_TABLES, ticketIds, (table, chunk) =>
      db
        .deleteFrom(table)
        .where('workspace_id', '=', person.workspaceId)
        .where('ticket_id', 'in', chunk)
        .executeTakeFirst(),
    );
    // Their own tickets' messages are gone by now: what remains is on other tickets.
    const othersMessages = (await this.messagesByPerson(db, person).select('message_id').execute()).map(
      (m) => m.message_id,
    );
    // Each table names the message in its own column (ticket mail: `ticket_message_id`).
    await tally.inChunks(CONTENT_TABLES, othersMessages, (table, chunk) =>
      db
        .deleteFrom(table)
        .where('workspace_id', '=', person.workspaceId)
        .where(sql.ref(table === 'ticket_emails' ? 'ticket_message_id' : 'message_id'), 'in', chunk)
        .executeTakeFirst(),
    );
    tally.add('tickets.others', await this.unlinkFromOthersTickets(person));
    tally.add('ticket_emails.recipients', await this.unaddressQueuedMail(person));
    const emails = emailAddressesOf(person);
    tally.add(
      'help_portal_tokens',
      emails.length === 0
        ? 0
        : await db
            .deleteFrom('help_portal_tokens')
            .where('workspace_id', '=', person.workspaceId)
            .where('email', 'in', emails)
            .executeTakeFirst(),
    );
  }

  /**
   * Removes the person from other tickets: their addresses from the CC list, and relation
   * custom fields pointing at their profile. Returns the tickets changed.
   */
  private async unlinkFromOthersTickets(person: PersonRef): Promise<number> {
    const emails = emailAddressesOf(person);
    const { db, kind } = this.store;
    const mentioning = await db
      .selectFrom('tickets')
      .select(['ticket_id', 'cc', 'fields'])
      .where('workspace_id', '=', person.workspaceId)
      .where((eb) =>
        eb.or([
          ...emails.map((email) => textContains(kind, sql`lower(${sql.ref('cc')})`, email)),
          ...person.profileIds.map((id) => textContains(kind, sql.ref('fields'), id)),
        ]),
      )
      .execute();
    let changed = 0;
    for (const ticket of mentioning) {
      const cc = fromJson<string[]>(ticket.cc);
      const ccWithout = cc.filter((address) => !emails.includes(address.toLowerCase()));
      const fieldsWithout = withoutPersonsValues(fromJson<Record<string, unknown>>(ticket.fields), person);
      if (ccWithout.length === cc.length && fieldsWithout === undefined) continue;
      await db
        .updateTable('tickets')
        .set({ cc: toJson(ccWithout), ...(fieldsWithout ? { fields: toJson(fieldsWithout) } : {}) })
        .where('workspace_id', '=', person.workspaceId)
        .where('ticket_id', '=', ticket.ticket_id)
        .execute();
      changed += 1;
    }
    return changed;
  }

  /**
   * Takes the person's addresses out of replies on other tickets still queued for a retry (their
   * JSON names every recipient until sent); a reply left with no `to` is dropped.
   */
  private async unaddressQueuedMail(person: PersonRef): Promise<number> {
    const emails = emailAddressesOf(person);
    if (emails.length === 0) return 0;
    const { db, kind } = this.store;
    const queued = await db
      .selectFrom('ticket_emails')
      .select(['email_id', 'payload'])
      .where('workspace_id', '=', person.workspaceId)
      .where('status', '=', 'queued')
      .where((eb) =>
        eb.or(emails.map((email) => textContains(kind, sql`lower(${sql.ref('payload')})`, email))),
      )
      .execute();
    const isPersons = (address: string) => emails.includes(address.toLowerCase());
    for (const mail of queued) {
      const message = fromJson<{ to: string[]; cc?: string[] }>(mail.payload);
      const to = message.to.filter((address) => !isPersons(address));
      const cc = message.cc?.filter((address) => !isPersons(address));
      const sameMail = { workspaceId: person.workspaceId, emailId: mail.email_id };
      if (to.length === 0)
        await db
          .deleteFrom('ticket_emails')
          .where('workspace_id', '=', sameMail.workspaceId)
          .where('email_id', '=', sameMail.emailId)
          .execute();
      else
        await db
          .updateTable('ticket_emails')
          .set({ payload: toJson({ ...message, to, ...(cc ? { cc } : {}) }) })
          .where('workspace_id', '=', sameMail.workspaceId)
          .where('email_id', '=', sameMail.emailId)
          .execute();
    }
    return queued.length;
  }

  /** The tickets the person requested: by profile, or by requester address. */
  private async ticketIdsOf(person: PersonRef): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('tickets')
      .select('ticket_id')
      .where('workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'profile_id', email: 'requester_email' }))
      .execute();
    return rows.map((row) => row.ticket_id);
  }

  /** Messages the person wrote, on any ticket (a CC'd reply on someone else's, say). */
  private messagesByPerson(db: Kysely<Database>, person: PersonRef) {
    return db
      .selectFrom('ticket_messages')
      .where('workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'author_id', email: 'author_email' }));
  }
}
