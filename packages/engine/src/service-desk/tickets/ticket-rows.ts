import type {
  Ticket,
  TicketAttachment,
  TicketChannel,
  TicketMessage,
  TicketPriority,
  TicketStatus,
} from '@tandem/contract';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../store/index.js';
import { fromJson } from '../../store/index.js';

type TicketRow = Selectable<Database['tickets']>;

/** Statuses a ticket is still being worked in (what an agent's open-ticket capacity counts). */
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];

export function ticketOf(row: TicketRow): Ticket {
  return {
    id: row.ticket_id,
    number: Number(row.number),
    subject: row.subject,
    status: row.status as TicketStatus, // written from the contract's enum
    priority: row.priority as TicketPriority, // written from the contract's enum
    type: row.type,
    profileId: row.profile_id,
    requesterEmail: row.requester_email,
    companyId: row.company_id,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    tags: fromJson<string[]>(row.tags),
    fields: fromJson<Record<string, unknown>>(row.fields),
    channel: row.channel as TicketChannel, // written from the contract's list
    mergedInto: row.merged_into,
    firstResponseAt: row.first_response_at,
    solvedAt: row.solved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function ticketRowOf(db: Kysely<Database>, workspaceId: string, ticketId: string) {
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
}

/** A ticket's conversation, oldest first, with its attachments' descriptions (not their bytes). */
export async function messagesOf(
  db: Kysely<Database>,
  workspaceId: string,
  ticketId: string,
): Promise<Omit<TicketMessage, 'delivery'>[]> {
  const [rows, attachments] = await Promise.all([
    db
      .selectFrom('ticket_messages')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .orderBy('created_at')
      .orderBy('message_id')
      .execute(),
    db
      .selectFrom('ticket_attachments')
      .select(['attachment_id', 'message_id', 'filename', 'content_type', 'size'])
      .where('workspace_id', '=', workspaceId)
      .where('ticket_id', '=', ticketId)
      .orderBy('attachment_id')
      .execute(),
  ]);
  const byMessage = new Map<string, TicketAttachment[]>();
  for (const a of attachments) {
    const list = byMessage.get(a.message_id) ?? [];
    byMessage.set(a.message_id, list);
    list.push({
      id: a.attachment_id,
      filename: a.filename,
      contentType: a.content_type,
      size: Number(a.size),
    });
  }
  return rows.map((row) => ({
    id: row.message_id,
    direction: row.author_type === 'requester' ? 'inbound' : 'outbound',
    public: row.public === 1,
    from: row.author_email ?? row.author_id ?? '',
    authorId: row.author_id,
    channel: row.channel as TicketChannel, // written from the contract's list
    body: row.body,
    html: row.html,
    attachments: byMessage.get(row.message_id) ?? [],
    at: row.created_at,
  }));
}

export async function dealIdsOf(db: Kysely<Database>, workspaceId: string, ticketId: string) {
  const rows = await db
    .selectFrom('ticket_deals')
    .select('deal_id')
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('deal_id')
    .execute();
  return rows.map((row) => row.deal_id);
}

/** How many open tickets each agent holds (what their capacity in a team counts). */
export async function openTicketsOf(db: Kysely<Database>, workspaceId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return new Map<string, number>();
  const rows = await db
    .selectFrom('tickets')
    .select(['assignee_id', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .where('assignee_id', 'in', userIds)
    .where('status', 'in', OPEN_STATUSES)
    .groupBy('assignee_id')
    .execute();
  return new Map(rows.map((row) => [row.assignee_id ?? '', Number(row.count)]));
}
