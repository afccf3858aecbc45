import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

/**
 * Removes up to `limit` closed tickets solved before `before`, with their messages,
 * attachments, emails, tags, links, status history, SLA clock and survey; oldest first, so
 * retention can call it a batch at a time. Returns how many tickets went.
 */
export async function removeClosedTicketsBefore(
  db: Kysely<Database>,
  options: { workspaceId: string; before: string; limit: number },
): Promise<number> {
  const old = await db
    .selectFrom('tickets')
    .select('ticket_id')
    .where('workspace_id', '=', options.workspaceId)
    .where('status', '=', 'closed')
    .where('solved_at', '<', options.before)
    .orderBy('solved_at')
    .limit(options.limit)
    .execute();
  const ticketIds = old.map((ticket) => ticket.ticket_id);
  if (ticketIds.length === 0) return 0;
  // Everything kept about a ticket, by table; the ticket row goes last.
  for (const table of [
    'ticket_messages',
    'ticket_attachments',
    'ticket_emails',
    'ticket_tags',
    'ticket_deals',
    'ticket_status_changes',
    'sla_clocks',
    'csat_surveys',
    'csat_skipped_tickets',
    'tickets',
  ] as const) {
    await db
      .deleteFrom(table)
      .where('workspace_id', '=', options.workspaceId)
      .where('ticket_id', 'in', ticketIds)
      .execute();
  }
  return ticketIds.length;
}
