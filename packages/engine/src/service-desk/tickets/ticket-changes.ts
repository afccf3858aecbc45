import type { Ticket, TicketPriority, TicketStatus } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type CrmEvent, type CrmEvents, recordCrmAudit, type TeamsService } from '../../crm/index.js';
import type { IdentityService } from '../../identity/index.js';
import { type Database, lockedForUpdate, nowIso, type Store, toJson } from '../../store/index.js';
import { notFound } from './ticket-errors.js';
import { statusChangedEvents, ticketAssignedEvent } from './ticket-events.js';
import { dealIdsOf, openTicketsOf, ticketOf } from './ticket-rows.js';
import { recordStatus, uniqueTags, writeTags } from './ticket-writes.js';

export type Actor = string | null;
export type AssignReason = 'manual' | 'round_robin' | 'rule';

export interface Change {
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  subject?: string | undefined;
  type?: string | null | undefined;
  assigneeId?: string | null | undefined;
  teamId?: string | null | undefined;
  tags?: string[] | undefined;
  fields?: Record<string, unknown> | undefined;
  firstResponseAt?: string | undefined;
  mergedInto?: string | undefined;
}

/**
 * One ticket's change inside a write transaction, shared by every write of the desk (edits,
 * replies, bulk changes, merges): the row, its status history, its events on the requester's
 * log, its audit entry, and assignment from a team.
 */
export class TicketChanges {
  private readonly clock: () => number;

  constructor(
    private readonly deps: {
      store: Store;
      identity: IdentityService;
      crmEvents: CrmEvents;
      teams: TeamsService;
      clock: () => number;
    },
  ) {
    this.clock = deps.clock;
  }

  /**
   * Applies a change to one ticket in the caller's transaction: status history, events
   * (status changed, solved, assigned), audit. `touch` moves it up the inbox even when no
   * field changed (a new message).
   */
  async applyWithin(
    trx: Kysely<Database>,
    input: {
      workspaceId: string;
      ticketId: string;
      change: Change;
      actorId: Actor;
      at?: string;
      touch?: boolean;
    },
  ): Promise<Ticket> {
    const { workspaceId, ticketId, change, actorId } = input;
    const at = input.at ?? nowIso(this.clock);
    const before = await this.ticketWithin(trx, workspaceId, ticketId, true);
    const tags = change.tags === undefined ? undefined : uniqueTags(change.tags);
    let assigneeId = change.assigneeId;
    let reason: AssignReason = 'manual';
    // Moved to a team without naming an assignee: the team's rules or round robin pick one.
    if (assigneeId === undefined && change.teamId && change.teamId !== before.teamId) {
      const picked = await this.pickFromTeam(trx, workspaceId, change.teamId, before.profileId);
      assigneeId = picked?.userId ?? null;
      reason = picked?.reason ?? 'round_robin';
    }
    const status = change.status ?? before.status;
    const statusChanged = status !== before.status;
    const assigneeChanged = assigneeId !== undefined && assigneeId !== before.assigneeId;
    await trx
      .updateTable('tickets')
      .set({
        ...(change.subject !== undefined ? { subject: change.subject } : {}),
        ...(change.priority !== undefined ? { priority: change.priority } : {}),
        ...(change.type !== undefined ? { type: change.type } : {}),
        ...(change.teamId !== undefined ? { team_id: change.teamId } : {}),
        ...(assigneeId !== undefined ? { assignee_id: assigneeId } : {}),
        ...(tags !== undefined ? { tags: toJson(tags) } : {}),
        ...(change.fields !== undefined ? { fields: toJson(change.fields) } : {}),
        ...(change.firstResponseAt !== undefined ? { first_response_at: change.firstResponseAt } : {}),
        ...(change.mergedInto !== undefined ? { merged_into: change.mergedInto } : {}),
        status,
        // Solved keeps its time through closing; reopening clears it (resolution is measured again).
        solved_at:
          status === 'solved' && statusChanged
            ? at
            : status === 'closed' || status === 'solved'
              ? (before.solvedAt ?? (status === 'closed' ? at : null))
              : null,
        updated_at: at,
      })
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .execute();
    if (tags !== undefined) await writeTags(trx, workspaceId, ticketId, tags);
    const ticket = await this.ticketWithin(trx, workspaceId, ticketId);
    const events: CrmEvent[] = [];
    if (statusChanged) {
      const changeId = await recordStatus(trx, { workspaceId, ticketId, status, actorId, at });
      events.push(...statusChangedEvents({ workspaceId, ticket, actorId, at }, before.status, changeId));
    }
    if (assigneeChanged)
      events.push(
        ticketAssignedEvent(
          { workspaceId, ticket, actorId, at },
          { reason, previousAssigneeId: before.assigneeId },
        ),
      );
    const changed = Object.values(change).some((v) => v !== undefined) || assigneeChanged;
    if (changed && !input.touch)
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'ticket',
          entityId: ticketId,
          action: 'update',
          profileId: ticket.profileId,
          before,
          after: ticket,
          at,
        },
      ]);
    await this.appendEvents(trx, events);
    return ticket;
  }

  /**
   * Appends ticket events to the requester's log. A requester merged into another profile since
   * the ticket was opened is named by the survivor (the merged id has no identifiers left).
   */
  async appendEvents(trx: Kysely<Database>, events: readonly CrmEvent[]) {
    const live: CrmEvent[] = [];
    for (const event of events) {
      const profileId = await this.deps.identity.resolveProfileId(event.workspaceId, event.profileId, trx);
      live.push({ ...event, profileId: profileId ?? event.profileId });
    }
    await this.deps.crmEvents.appendWithin(trx, live);
  }

  /** The team member who takes a ticket: by the team's rules, else its round robin by open tickets. */
  pickFromTeam(trx: Kysely<Database>, workspaceId: string, teamId: string, profileId: string) {
    return this.deps.teams.nextMember(trx, {
      workspaceId,
      teamId,
      profileId,
      loadOf: (ids) => openTicketsOf(trx, workspaceId, ids),
    });
  }

  async ticketWithin(trx: Kysely<Database>, workspaceId: string, ticketId: string, lock = false) {
    const row = await trx
      .selectFrom('tickets')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .$if(lock, (qb) => qb.$call(lockedForUpdate(this.deps.store.kind)))
      .executeTakeFirst();
    if (!row) throw notFound(ticketId);
    return ticketOf(row);
  }

  async linkDeals(
    trx: Kysely<Database>,
    workspaceId: string,
    ticketId: string,
    dealIds: readonly string[],
    at: string,
  ) {
    const present = new Set(await dealIdsOf(trx, workspaceId, ticketId));
    const added = dealIds.filter((id) => !present.has(id));
    if (added.length > 0)
      await trx
        .insertInto('ticket_deals')
        .values(
          added.map((deal_id) => ({
            workspace_id: workspaceId,
            ticket_id: ticketId,
            deal_id,
            linked_at: at,
          })),
        )
        .execute();
  }
}
