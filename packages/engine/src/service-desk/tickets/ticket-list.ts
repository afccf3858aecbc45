import type { Ticket, TicketListQuery, TicketStatus } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import type { Database } from '../../store/index.js';
import { ticketOf } from './ticket-rows.js';

/** The inbox's page: newest activity first, by keyset on (updated_at, ticket_id) so any page is one index range. */
export async function ticketPage(
  db: Kysely<Database>,
  workspaceId: string,
  query: TicketListQuery & { callerId: string | null; onlyIds?: readonly string[] | undefined },
): Promise<{ data: Ticket[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const statuses = query.status?.split(',') as TicketStatus[] | undefined; // checked by the contract's pattern
  const assigneeId = query.view === 'mine' ? (query.callerId ?? '') : query.assigneeId;
  const rows = await db
    .selectFrom('tickets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(statuses !== undefined, (qb) => qb.where('status', 'in', statuses ?? []))
    .$if(assigneeId !== undefined, (qb) => qb.where('assignee_id', '=', assigneeId ?? ''))
    .$if(query.view === 'unassigned', (qb) => qb.where('assignee_id', 'is', null))
    .$if(query.teamId !== undefined, (qb) => qb.where('team_id', '=', query.teamId ?? ''))
    .$if(query.profileId !== undefined, (qb) => qb.where('profile_id', '=', query.profileId ?? ''))
    .$if(query.priority !== undefined, (qb) => qb.where('priority', '=', query.priority ?? 'normal'))
    .$if(query.onlyIds !== undefined, (qb) => qb.where('ticket_id', 'in', [...(query.onlyIds ?? []), '']))
    .$if(query.tag !== undefined, (qb) =>
      qb.where('ticket_id', 'in', (sub) =>
        sub
          .selectFrom('ticket_tags')
          .select('ticket_id')
          .where('workspace_id', '=', workspaceId)
          .where('tag', '=', query.tag ?? ''),
      ),
    )
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('updated_at', '<', after?.updatedAt ?? ''),
          eb.and([
            eb('updated_at', '=', after?.updatedAt ?? ''),
            eb('ticket_id', '<', after?.ticketId ?? ''),
          ]),
        ]),
      ),
    )
    .orderBy('updated_at', 'desc')
    .orderBy('ticket_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit).map(ticketOf);
  const last = page.at(-1);
  return {
    data: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}

function encodeCursor(updatedAt: string, ticketId: string): string {
  return Buffer.from(`${updatedAt}|${ticketId}`).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: string; ticketId: string } {
  const [updatedAt, ticketId] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!updatedAt || !ticketId?.startsWith('tick_'))
    throw new AppError('unprocessable', 'Invalid cursor: pass the nextCursor of the previous page', {
      details: [{ path: 'cursor', message: 'not a cursor of this list' }],
    });
  return { updatedAt, ticketId };
}
