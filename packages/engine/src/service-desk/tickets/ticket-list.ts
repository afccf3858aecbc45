import type { Ticket, TicketListQuery, TicketStatus } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import type { Database } from '../../store/index.js';
import { ticketOf } from './ticket-rows.js';

export type InboxQuery = TicketListQuery & {
  callerId: string | null;
  onlyIds?: readonly string[] | undefined;
  /** With `profileId`: the person's live profile and every id merged into it. */
  profileIds?: readonly string[] | undefined;
};

/**
 * The inbox's page: newest activity first, by keyset on (updated_at, ticket_id). Each status
 * asked for is read as its own range of an index led by (workspace, [assignee | team,] status,
 * updated_at) and the ranges are merged here: a view over "solved, closed" at a million tickets
 * reads a page per status, never sorts every matching ticket.
 */
export async function ticketPage(
  db: Kysely<Database>,
  workspaceId: string,
  query: InboxQuery,
): Promise<{ data: Ticket[]; nextCursor: string | null }> {
  const ranges = await Promise.all(inboxQueries(db, workspaceId, query).map((q) => q.execute()));
  const rows = ranges
    .flat()
    .sort((a, b) =>
      a.updated_at === b.updated_at
        ? a.ticket_id < b.ticket_id
          ? 1
          : -1
        : a.updated_at < b.updated_at
          ? 1
          : -1,
    )
    .slice(0, query.limit + 1);
  const page = rows.slice(0, query.limit).map(ticketOf);
  const last = page.at(-1);
  return {
    data: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}

/**
 * One query per status asked for (and per profile id of a person), each a page of its index
 * range; one query in all when no status or person is named.
 */
export function inboxQueries(db: Kysely<Database>, workspaceId: string, query: InboxQuery) {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const statuses = query.status?.split(',') as TicketStatus[] | undefined; // checked by the contract's pattern
  const assigneeId = query.view === 'mine' ? (query.callerId ?? '') : query.assigneeId;
  const profiles = query.profileIds ?? (query.profileId === undefined ? [undefined] : [query.profileId]);
  const ranges = (statuses ? [...new Set(statuses)] : [undefined]).flatMap((status) =>
    profiles.map((profileId) => ({ status, profileId })),
  );
  return ranges.map(({ status, profileId }) =>
    db
      .selectFrom('tickets')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .$if(status !== undefined, (qb) => qb.where('status', '=', status ?? 'new'))
      .$if(assigneeId !== undefined, (qb) => qb.where('assignee_id', '=', assigneeId ?? ''))
      .$if(query.view === 'unassigned', (qb) => qb.where('assignee_id', 'is', null))
      .$if(query.teamId !== undefined, (qb) => qb.where('team_id', '=', query.teamId ?? ''))
      .$if(profileId !== undefined, (qb) => qb.where('profile_id', '=', profileId ?? ''))
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
      // A row-value comparison: both engines read it as a range of the index, where an OR
      // of the two columns would walk every row before the cursor.
      .$if(after !== undefined, (qb) =>
        qb.where((eb) =>
          eb(
            eb.refTuple('updated_at', 'ticket_id'),
            '<',
            eb.tuple(after?.updatedAt ?? '', after?.ticketId ?? ''),
          ),
        ),
      )
      .orderBy('updated_at', 'desc')
      .orderBy('ticket_id', 'desc')
      .limit(query.limit + 1),
  );
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
