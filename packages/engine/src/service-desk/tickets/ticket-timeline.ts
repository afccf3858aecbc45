import type { TicketStatus } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import type { TicketTimeline } from './ticket-desk.js';
import { ticketOf, ticketRowOf } from './ticket-rows.js';

/** A ticket's history as the SLA clock reads it: status changes and public messages, in order. */
export async function ticketTimelineOf(
  db: Kysely<Database>,
  workspaceId: string,
  ticketId: string,
): Promise<TicketTimeline | undefined> {
  const row = await ticketRowOf(db, workspaceId, ticketId);
  if (!row) return undefined;
  const [changes, messages] = await Promise.all([
    db
      .selectFrom('ticket_status_changes')
      .select(['status', 'at'])
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .orderBy('change_id')
      .execute(),
    db
      .selectFrom('ticket_messages')
      .select(['author_type', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .where('public', '=', 1)
      .orderBy('created_at')
      .orderBy('message_id')
      .execute(),
  ]);
  const ticket = ticketOf(row);
  return {
    workspaceId,
    ticketId,
    priority: ticket.priority,
    type: ticket.type,
    tags: ticket.tags,
    teamId: ticket.teamId,
    createdAt: ticket.createdAt,
    statusChanges: changes.map((c) => ({ status: c.status as TicketStatus, at: c.at })), // from the contract's enum
    publicMessages: messages.map((m) => ({
      author: m.author_type === 'requester' ? ('requester' as const) : ('agent' as const),
      at: m.created_at,
    })),
    profileId: ticket.profileId,
  };
}
