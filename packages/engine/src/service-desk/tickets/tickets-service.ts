import type {
  BulkUpdateTickets,
  NewTicket,
  NewTicketReply,
  Ticket,
  TicketChannel,
  TicketDetail,
  TicketListItem,
  TicketListQuery,
  TicketMessage,
  TicketReportQuery,
  TicketSla,
  UpdateTicket,
} from '@tandem/contract';
import {
  type CrmEvent,
  type CrmEvents,
  type PeopleService,
  recordCrmAudit,
  type TeamsService,
  validateCustomFields,
} from '../../crm/index.js';
import { AppError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { newId } from '../../ids/index.js';
import { companiesOf } from '../../profiles/index.js';
import { fromJson, nowIso, type Store, toJson, writeTransaction } from '../../store/index.js';
import { type Actor, type AssignReason, TicketChanges } from './ticket-changes.js';
import type {
  DeliveryStatus,
  InboundAttachment,
  PublicReply,
  TicketDesk,
  TicketSlaTracker,
  TicketTimeline,
} from './ticket-desk.js';
import { notFound, unprocessable } from './ticket-errors.js';
import {
  ticketAssignedEvent,
  ticketMessageReceivedEvent,
  ticketOpenedEvent,
  ticketRepliedEvent,
} from './ticket-events.js';
import { ticketPage } from './ticket-list.js';
import { mergeTickets } from './ticket-merge.js';
import { ticketReport } from './ticket-reports.js';
import { dealIdsOf, messagesOf, ticketOf, ticketRowOf } from './ticket-rows.js';
import { ticketTimelineOf } from './ticket-timeline.js';
import {
  decodeAttachments,
  insertMessage,
  nextTicketNumber,
  recordStatus,
  uniqueTags,
  writeTags,
} from './ticket-writes.js';

/** Profiles merged into one person that a list of their tickets reads (one index range each). */
const MAX_MERGED_PROFILES = 50;

/** A member of the workspace, as tickets need them (assignees, reply senders). */
export interface DeskMember {
  userId: string;
  email: string;
}

export interface TicketsDeps {
  readonly store: Store;
  readonly crmEvents: CrmEvents;
  readonly identity: IdentityService;
  /** Creates a requester named only by email, the way a person is created by hand. */
  readonly people: PeopleService;
  readonly teams: TeamsService;
  readonly membersOf: (workspaceId: string) => Promise<DeskMember[]>;
  /** Which of these deal ids exist in the workspace (links to deals are checked through the CRM). */
  readonly existingDeals: (workspaceId: string, dealIds: readonly string[]) => Promise<Set<string>>;
  /** After events committed: the pipeline should look at the log now. */
  readonly wake: () => void;
  readonly clock?: (() => number) | undefined;
}

/** What the SLA and mail sides plug in (each optional: tickets work without them). */
export interface TicketHooks {
  sla?: TicketSlaTracker | undefined;
  /**
   * Called after an agent's public reply is committed. A failed delivery should be recorded as
   * the reply's delivery status, not thrown: a throw answers the agent with an error for a reply
   * that is stored, inviting a duplicate.
   */
  onPublicReply?: ((reply: PublicReply) => Promise<void>) | undefined;
  deliveryStatusOf?:
    | ((workspaceId: string, messageIds: string[]) => Promise<Map<string, DeliveryStatus>>)
    | undefined;
  /**
   * Called after a change that set a ticket's status to solved is committed (the satisfaction
   * survey). May be called again for a ticket already solved: the hook tells solves apart by
   * `solvedAt`. Should not throw: the change is stored.
   */
  onSolved?: ((solved: { workspaceId: string; ticket: TicketDetail }) => Promise<void>) | undefined;
}

/**
 * Tickets: a requester (a profile), a conversation of public replies and internal notes, status,
 * priority, assignment by a CRM team's round robin. Each change is audited, appended to the
 * requester's log in the same transaction, and handed to the SLA clock when one is wired.
 */
export class TicketsService implements TicketDesk {
  private readonly clock: () => number;
  private hooks: TicketHooks = {};

  private readonly changes: TicketChanges;

  constructor(private readonly deps: TicketsDeps) {
    this.clock = deps.clock ?? Date.now;
    this.changes = new TicketChanges({ ...deps, clock: this.clock });
  }

  /** Plugs in the SLA clock and the mail channel (the engine wires them once built). */
  connect(hooks: TicketHooks): void {
    this.hooks = { ...this.hooks, ...hooks };
  }

  async get(workspaceId: string, ticketId: string): Promise<TicketDetail> {
    const db = this.deps.store.db;
    const row = await ticketRowOf(db, workspaceId, ticketId);
    if (!row) throw notFound(ticketId);
    const [messages, dealIds, clocks] = await Promise.all([
      messagesOf(db, workspaceId, ticketId),
      dealIdsOf(db, workspaceId, ticketId),
      this.clocksOf(workspaceId, [ticketId]),
    ]);
    const replies = messages.filter((m) => m.public && m.direction === 'outbound').map((m) => m.id);
    const delivery =
      this.hooks.deliveryStatusOf && replies.length > 0
        ? await this.hooks.deliveryStatusOf(workspaceId, replies)
        : new Map<string, DeliveryStatus>();
    return {
      ...ticketOf(row),
      messages: messages.map((m) => ({ ...m, delivery: delivery.get(m.id) ?? null })),
      dealIds,
      sla: clocks.get(ticketId) ?? null,
    };
  }

  /**
   * Unsolved tickets of this team, as `3 unsolved tickets (#12, #15, #18)`: they would be left with
   * no team to work them. Solved and closed ones keep the team's id as history.
   */
  async readersOfTeam(workspaceId: string, teamId: string): Promise<string[]> {
    const rows = await this.deps.store.db
      .selectFrom('tickets')
      .select('number')
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', teamId)
      .where('status', 'not in', ['solved', 'closed'])
      .orderBy('number')
      .execute();
    if (rows.length === 0) return [];
    const shown = rows.slice(0, 5).map((row) => `#${row.number}`);
    const more = rows.length > shown.length ? `, … ${rows.length - shown.length} more` : '';
    const many = rows.length === 1 ? 'ticket' : 'tickets';
    return [`${rows.length} unsolved ${many} (${shown.join(', ')}${more})`];
  }

  /** How many unsolved tickets are assigned to `userId`: what their removal may hand over. */
  async unsolvedAssignedCount(workspaceId: string, userId: string): Promise<number> {
    return (await this.unsolvedOf(workspaceId, userId)).length;
  }

  /** Who is assigned unsolved tickets here (former members too). */
  async unsolvedAssigneeIds(workspaceId: string): Promise<string[]> {
    const rows = await this.deps.store.db
      .selectFrom('tickets')
      .select('assignee_id')
      .distinct()
      .where('workspace_id', '=', workspaceId)
      .where('assignee_id', 'is not', null)
      .where('status', 'not in', ['solved', 'closed'])
      .execute();
    return rows.flatMap((row) => (row.assignee_id === null ? [] : [row.assignee_id]));
  }

  /**
   * Someone left the workspace: their unsolved tickets go to the member taking over, else become
   * unassigned (so they show in the Unassigned view instead of waiting on nobody); on each
   * ticket's timeline, Tandem as the actor. Answers how many.
   */
  async reassignUser(workspaceId: string, userId: string, to: string | null): Promise<number> {
    const ids = await this.unsolvedOf(workspaceId, userId);
    for (let i = 0; i < ids.length; i += 500)
      await this.bulkUpdate(workspaceId, { ticketIds: ids.slice(i, i + 500), assigneeId: to }, null);
    return ids.length;
  }

  private async unsolvedOf(workspaceId: string, userId: string): Promise<string[]> {
    const rows = await this.deps.store.db
      .selectFrom('tickets')
      .select('ticket_id')
      .where('workspace_id', '=', workspaceId)
      .where('assignee_id', '=', userId)
      .where('status', 'not in', ['solved', 'closed'])
      .orderBy('ticket_id')
      .execute();
    return rows.map((row) => row.ticket_id);
  }

  /** The inbox: filters, views (mine, unassigned, SLA at risk) and a keyset cursor. */
  async list(
    workspaceId: string,
    query: TicketListQuery,
    reader: { actorId: string | null },
  ): Promise<{ data: TicketListItem[]; nextCursor: string | null }> {
    let onlyIds: string[] | undefined;
    if (query.view === 'sla_at_risk')
      onlyIds = (await this.hooks.sla?.atRisk?.(workspaceId, { limit: Math.min(query.limit, 1000) })) ?? [];
    // A person's tickets include those opened under profiles merged into them since.
    let profileIds: string[] | undefined;
    if (query.profileId !== undefined) {
      const liveId = await this.deps.identity.resolveProfileId(workspaceId, query.profileId);
      profileIds = liveId
        ? (await this.deps.identity.mergedIdsOf(workspaceId, liveId)).slice(0, MAX_MERGED_PROFILES)
        : [query.profileId];
    }
    const page = await ticketPage(this.deps.store.db, workspaceId, {
      ...query,
      callerId: reader.actorId,
      onlyIds,
      profileIds,
    });
    const clocks = await this.clocksOf(
      workspaceId,
      page.data.map((t) => t.id),
    );
    let data = page.data.map((ticket) => ({ ...ticket, sla: clocks.get(ticket.id) ?? null }));
    // At risk: most urgent first, the order the SLA service gave.
    if (onlyIds) {
      const rank = new Map(onlyIds.map((id, index) => [id, index]));
      data = data.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    }
    return { data, nextCursor: page.nextCursor };
  }

  async create(
    workspaceId: string,
    input: NewTicket,
    actorId: Actor,
    origin: {
      channel: TicketChannel;
      mailboxId?: string | null;
      cc?: string[];
      attachments?: InboundAttachment[];
    } = {
      channel: 'api',
    },
  ): Promise<TicketDetail> {
    const at = nowIso(this.clock);
    const ticketId = newId('ticket');
    const fields = await validateCustomFields(this.deps.store.db, workspaceId, 'ticket', input.fields ?? {});
    await this.checkAssignment(workspaceId, input.assigneeId, input.teamId);
    const attachments = origin.attachments ?? decodeAttachments(input.attachments);
    const requester = await this.requesterOf(workspaceId, input, actorId);
    const company = (await companiesOf(this.deps.store.db, workspaceId, requester.profileId))[0]?.id ?? null;
    const tags = uniqueTags(input.tags ?? []);
    await writeTransaction(this.deps.store, async (trx) => {
      const number = await nextTicketNumber(trx, workspaceId);
      let assigneeId = input.assigneeId ?? null;
      const teamId = input.teamId ?? null;
      let reason: AssignReason = 'manual';
      if (assigneeId === null && teamId !== null) {
        const picked = await this.changes.pickFromTeam(trx, workspaceId, teamId, requester.profileId);
        assigneeId = picked?.userId ?? null;
        reason = picked?.reason ?? 'round_robin';
      }
      await trx
        .insertInto('tickets')
        .values({
          workspace_id: workspaceId,
          ticket_id: ticketId,
          number,
          subject: input.subject,
          status: 'new',
          priority: input.priority,
          type: input.type ?? null,
          profile_id: requester.profileId,
          requester_email: requester.email,
          company_id: company,
          assignee_id: assigneeId,
          team_id: teamId,
          tags: toJson(tags),
          fields: toJson(fields),
          cc: toJson(origin.cc ?? []),
          channel: origin.channel,
          mailbox_id: origin.mailboxId ?? null,
          merged_into: null,
          first_response_at: null,
          solved_at: null,
          created_by: actorId,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await writeTags(trx, workspaceId, ticketId, tags);
      await recordStatus(trx, { workspaceId, ticketId, status: 'new', actorId, at });
      if (input.body !== undefined)
        await insertMessage(trx, {
          workspaceId,
          ticketId,
          isPublic: true,
          author: { type: 'requester', id: requester.profileId, email: requester.email },
          channel: origin.channel,
          body: input.body,
          attachments,
          at,
        });
      const ticket = await this.changes.ticketWithin(trx, workspaceId, ticketId);
      const events: CrmEvent[] = [ticketOpenedEvent({ workspaceId, ticket, actorId, at })];
      if (assigneeId !== null)
        events.push(
          ticketAssignedEvent({ workspaceId, ticket, actorId, at }, { reason, previousAssigneeId: null }),
        );
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'ticket',
          entityId: ticketId,
          action: 'create',
          profileId: ticket.profileId,
          after: ticket,
          at,
        },
      ]);
      await this.changes.appendEvents(trx, events);
    });
    await this.afterChange(workspaceId, [ticketId]);
    return this.get(workspaceId, ticketId);
  }

  async update(
    workspaceId: string,
    ticketId: string,
    patch: UpdateTicket,
    actorId: Actor,
  ): Promise<TicketDetail> {
    await this.checkAssignment(workspaceId, patch.assigneeId, patch.teamId);
    await writeTransaction(this.deps.store, async (trx) => {
      const fields =
        patch.fields === undefined
          ? undefined
          : await validateCustomFields(
              trx,
              workspaceId,
              'ticket',
              patch.fields,
              (await this.changes.ticketWithin(trx, workspaceId, ticketId)).fields,
            );
      await this.changes.applyWithin(trx, { workspaceId, ticketId, change: { ...patch, fields }, actorId });
    });
    await this.afterChange(workspaceId, [ticketId]);
    const ticket = await this.get(workspaceId, ticketId);
    if (patch.status === 'solved') await this.solved(workspaceId, [ticketId]);
    return ticket;
  }

  /** The same change on many tickets, in one transaction (all or none). */
  async bulkUpdate(workspaceId: string, input: BulkUpdateTickets, actorId: Actor) {
    const { ticketIds, addTags, removeTags, ...patch } = input;
    const ids = [...new Set(ticketIds)];
    await this.checkAssignment(workspaceId, patch.assigneeId, patch.teamId);
    await writeTransaction(this.deps.store, async (trx) => {
      for (const ticketId of ids) {
        let tags: string[] | undefined;
        if (addTags || removeTags) {
          const current = (await this.changes.ticketWithin(trx, workspaceId, ticketId)).tags;
          const removed = new Set(removeTags ?? []);
          tags = uniqueTags([...current, ...(addTags ?? [])]).filter((t) => !removed.has(t));
        }
        await this.changes.applyWithin(trx, { workspaceId, ticketId, change: { ...patch, tags }, actorId });
      }
    });
    await this.afterChange(workspaceId, ids);
    if (patch.status === 'solved') await this.solved(workspaceId, ids);
    return { updated: ids.length, ticketIds: ids };
  }

  /**
   * A public reply (to the requester, sent by mail when wired) or an internal note by an agent.
   * The first public reply is the first response; a reply on a new ticket opens it.
   */
  async reply(
    workspaceId: string,
    ticketId: string,
    input: NewTicketReply,
    actorId: Actor,
  ): Promise<TicketDetail> {
    const at = nowIso(this.clock);
    const attachments = decodeAttachments(input.attachments);
    const members = await this.deps.membersOf(workspaceId);
    const agentEmail = members.find((m) => m.userId === actorId)?.email ?? null;
    let sent: PublicReply | undefined;
    await writeTransaction(this.deps.store, async (trx) => {
      const before = await this.changes.ticketWithin(trx, workspaceId, ticketId, true);
      const messageId = await insertMessage(trx, {
        workspaceId,
        ticketId,
        isPublic: input.public,
        author: { type: 'agent', id: actorId, email: agentEmail },
        channel: 'web',
        body: input.body,
        html: input.html,
        attachments,
        at,
      });
      const status = input.status ?? (input.public && before.status === 'new' ? 'open' : undefined);
      const ticket = await this.changes.applyWithin(trx, {
        workspaceId,
        ticketId,
        change: {
          status,
          ...(input.public && before.firstResponseAt === null ? { firstResponseAt: at } : {}),
        },
        actorId,
        at,
        touch: true,
      });
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'ticket',
          entityId: ticketId,
          action: input.public ? 'reply' : 'note',
          profileId: ticket.profileId,
          after: { messageId },
          at,
        },
      ]);
      if (!input.public) return;
      await this.changes.appendEvents(trx, [
        ticketRepliedEvent({ workspaceId, ticket, actorId, at }, messageId),
      ]);
      const cc = fromJson<string[]>((await ticketRowOf(trx, workspaceId, ticketId))?.cc ?? '[]');
      sent = {
        workspaceId,
        ticketId,
        number: ticket.number,
        messageId,
        subject: ticket.subject,
        to: ticket.requesterEmail ? [ticket.requesterEmail] : [],
        cc,
        text: input.body,
        ...(input.html === undefined ? {} : { html: input.html }),
        fromName: agentEmail ?? 'Support',
      };
    });
    await this.afterChange(workspaceId, [ticketId]);
    if (sent && sent.to.length > 0) await this.hooks.onPublicReply?.(sent);
    if (input.status === 'solved') await this.solved(workspaceId, [ticketId]);
    return this.get(workspaceId, ticketId);
  }

  /** Messages of the duplicates move to `survivorId`; each duplicate is closed with a note. */
  async merge(workspaceId: string, survivorId: string, duplicateIds: readonly string[], actorId: Actor) {
    const ids = [...new Set(duplicateIds)];
    await mergeTickets(this.deps.store, this.changes, {
      workspaceId,
      survivorId,
      duplicateIds: ids,
      actorId,
      at: nowIso(this.clock),
    });
    await this.hooks.sla?.forget?.(workspaceId, ids);
    await this.afterChange(workspaceId, [survivorId]);
    return this.get(workspaceId, survivorId);
  }

  /** Replaces the deals linked to a ticket. */
  async setDeals(workspaceId: string, ticketId: string, dealIds: readonly string[], actorId: Actor) {
    const at = nowIso(this.clock);
    const wanted = [...new Set(dealIds)];
    const existing = await this.deps.existingDeals(workspaceId, wanted);
    const missing = wanted.findIndex((id) => !existing.has(id));
    if (missing >= 0) throw unprocessable(`dealIds.${missing}`, `no deal ${wanted[missing]}`);
    await writeTransaction(this.deps.store, async (trx) => {
      const before = await this.changes.ticketWithin(trx, workspaceId, ticketId, true);
      const previous = await dealIdsOf(trx, workspaceId, ticketId);
      await trx
        .deleteFrom('ticket_deals')
        .where('workspace_id', '=', workspaceId)
        .where('ticket_id', '=', ticketId)
        .execute();
      await this.changes.linkDeals(trx, workspaceId, ticketId, wanted, at);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'ticket',
          entityId: ticketId,
          action: 'set_deals',
          profileId: before.profileId,
          before: previous,
          after: wanted,
          at,
        },
      ]);
    });
    return this.get(workspaceId, ticketId);
  }

  /** An attachment's bytes (for download). */
  async attachment(workspaceId: string, ticketId: string, attachmentId: string) {
    const row = await this.deps.store.db
      .selectFrom('ticket_attachments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .where('attachment_id', '=', attachmentId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `No attachment ${attachmentId} on ticket ${ticketId}`);
    return {
      filename: row.filename,
      contentType: row.content_type,
      content: Buffer.from(row.content, 'base64'),
    };
  }

  /** Volume, first-response and resolution medians, per agent and team (see `ticketReport`). */
  report(workspaceId: string, query: TicketReportQuery) {
    return ticketReport(this.deps.store, workspaceId, query, this.clock());
  }

  /** Tickets opened in [from, to) (ISO times), for reports of other desk parts (SLA attainment). */
  async openedBetween(workspaceId: string, from: string, to: string) {
    const rows = await this.deps.store.db
      .selectFrom('tickets')
      .select(['ticket_id', 'assignee_id', 'team_id'])
      .where('workspace_id', '=', workspaceId)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .where('merged_into', 'is', null)
      .execute();
    return rows.map((r) => ({ id: r.ticket_id, assigneeId: r.assignee_id, teamId: r.team_id }));
  }

  /** The ticket's history as the SLA clock reads it. */
  timelineOf(workspaceId: string, ticketId: string): Promise<TicketTimeline | undefined> {
    return ticketTimelineOf(this.deps.store.db, workspaceId, ticketId);
  }

  // --- TicketDesk: what the mail channel calls ---

  async openFromEmail(input: Parameters<TicketDesk['openFromEmail']>[0]) {
    const ticket = await this.create(
      input.workspaceId,
      {
        subject: input.subject.trim() || '(no subject)',
        email: input.from.email,
        ...(input.from.name ? { name: input.from.name } : {}),
        priority: 'normal',
        body: input.text.trim() || '(empty message)',
        // A mailbox's team deleted since: the mail still becomes a ticket, without a team.
        teamId:
          input.teamId && (await this.deps.teams.list(input.workspaceId)).some((t) => t.id === input.teamId)
            ? input.teamId
            : null,
      },
      null,
      { channel: 'email', mailboxId: input.mailboxId, cc: input.cc, attachments: input.attachments },
    );
    const messageId = ticket.messages[0]?.id ?? '';
    return { ticketId: ticket.id, number: ticket.number, messageId };
  }

  async replyFromEmail(input: Parameters<TicketDesk['replyFromEmail']>[0]) {
    const at = nowIso(this.clock);
    const email = input.from.email.trim().toLowerCase();
    let messageId = '';
    await writeTransaction(this.deps.store, async (trx) => {
      const before = await this.changes.ticketWithin(trx, input.workspaceId, input.ticketId, true);
      const fromRequester = before.requesterEmail?.toLowerCase() === email;
      messageId = await insertMessage(trx, {
        workspaceId: input.workspaceId,
        ticketId: input.ticketId,
        isPublic: true,
        author: { type: 'requester', id: fromRequester ? before.profileId : null, email },
        channel: input.channel ?? 'email',
        body: input.text.trim() || '(empty message)',
        html: input.html,
        attachments: input.attachments,
        at,
      });
      // The customer wrote again: the ticket needs an agent (a closed one too: the mail is not lost).
      const ticket = await this.changes.applyWithin(trx, {
        workspaceId: input.workspaceId,
        ticketId: input.ticketId,
        change: { status: before.status === 'new' ? undefined : 'open' },
        actorId: null,
        at,
        touch: true,
      });
      await this.changes.appendEvents(trx, [
        ticketMessageReceivedEvent({ workspaceId: input.workspaceId, ticket, actorId: null, at }, messageId),
      ]);
    });
    await this.afterChange(input.workspaceId, [input.ticketId]);
    return { messageId };
  }

  /**
   * The tickets a requester opened, by their email (the customer portal's list), newest first.
   * Tickets merged into another are left out: the survivor carries their conversation.
   */
  async ticketsOfRequester(workspaceId: string, email: string, limit = 100): Promise<Ticket[]> {
    const rows = await this.deps.store.db
      .selectFrom('tickets')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.fn('lower', ['requester_email']), '=', email.trim().toLowerCase())
      .where('merged_into', 'is', null)
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(ticketOf);
  }

  /**
   * A ticket as its requester sees it: the public conversation only (internal notes never), or
   * null when it is not theirs.
   */
  async requesterView(
    workspaceId: string,
    ticketId: string,
    email: string,
  ): Promise<{ ticket: Ticket; messages: Omit<TicketMessage, 'delivery'>[] } | null> {
    const db = this.deps.store.db;
    const row = await ticketRowOf(db, workspaceId, ticketId);
    if (!row || row.merged_into !== null || row.requester_email?.toLowerCase() !== email.trim().toLowerCase())
      return null;
    const messages = (await messagesOf(db, workspaceId, ticketId)).filter((message) => message.public);
    return { ticket: ticketOf(row), messages };
  }

  async ticketByNumber(workspaceId: string, number: number) {
    const row = await this.deps.store.db
      .selectFrom('tickets')
      .select('ticket_id')
      .where('workspace_id', '=', workspaceId)
      .where('number', '=', number)
      .executeTakeFirst();
    return row ? { ticketId: row.ticket_id } : null;
  }

  async participants(workspaceId: string, ticketId: string): Promise<string[]> {
    const row = await ticketRowOf(this.deps.store.db, workspaceId, ticketId);
    if (!row) return [];
    const agents = await this.deps.membersOf(workspaceId);
    const emails = [row.requester_email, ...fromJson<string[]>(row.cc), ...agents.map((a) => a.email)];
    return [...new Set(emails.filter((e): e is string => !!e).map((e) => e.toLowerCase()))];
  }

  // --- internals ---
  /** The requester's profile: the one named, or the person with this email (created if none). */
  private async requesterOf(workspaceId: string, input: NewTicket, actorId: Actor) {
    if (input.profileId !== undefined) {
      const profileId = await this.deps.identity.resolveProfileId(workspaceId, input.profileId);
      if (profileId === undefined) throw unprocessable('profileId', `no person ${input.profileId}`);
      const email =
        input.email ??
        (await this.deps.identity.identitiesOf(workspaceId, [profileId]))
          .get(profileId)
          ?.find((i) => i.type === 'email')?.value ??
        null;
      return { profileId, email };
    }
    const email = (input.email ?? '').trim().toLowerCase();
    const known = await this.deps.identity.profileIdOf(workspaceId, 'email', email);
    if (known !== undefined) return { profileId: known, email };
    const person = await this.deps.people.create(
      workspaceId,
      { email, ...(input.name === undefined ? {} : { name: input.name }) },
      actorId,
    );
    return { profileId: person.profileId, email };
  }

  /** An assignee must be a member of the workspace; a team must exist. */
  private async checkAssignment(
    workspaceId: string,
    assigneeId: string | null | undefined,
    teamId: string | null | undefined,
  ) {
    if (assigneeId) {
      const members = await this.deps.membersOf(workspaceId);
      if (!members.some((m) => m.userId === assigneeId))
        throw unprocessable('assigneeId', `${assigneeId} is not a member of this workspace`);
    }
    if (teamId && !(await this.deps.teams.list(workspaceId)).some((t) => t.id === teamId))
      throw unprocessable('teamId', `no team ${teamId}`);
  }

  private async clocksOf(workspaceId: string, ticketIds: string[]): Promise<Map<string, TicketSla>> {
    if (!this.hooks.sla || ticketIds.length === 0) return new Map();
    const clocks = await this.hooks.sla.clocksOf(workspaceId, ticketIds);
    // A clock without a policy is no SLA: the ticket answers `sla: null`.
    return new Map([...clocks].filter(([, clock]) => clock.policyId !== null));
  }

  /** After a commit that solved tickets: the solved hook, for those still solved. */
  private async solved(workspaceId: string, ticketIds: readonly string[]) {
    const onSolved = this.hooks.onSolved;
    if (!onSolved) return;
    for (const ticketId of ticketIds) {
      const ticket = await this.get(workspaceId, ticketId);
      if (ticket.status === 'solved') await onSolved({ workspaceId, ticket });
    }
  }

  /** After a commit: the pipeline reads the new events; the SLA clock recomputes. */
  private async afterChange(workspaceId: string, ticketIds: readonly string[]) {
    this.deps.wake();
    const sla = this.hooks.sla;
    if (!sla) return;
    for (const ticketId of ticketIds) {
      const timeline = await this.timelineOf(workspaceId, ticketId);
      if (timeline) await sla.track(timeline);
    }
  }
}
