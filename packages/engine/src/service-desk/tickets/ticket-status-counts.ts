import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

export type UnsolvedCounts = { new: number; open: number; pending: number; on_hold: number };

/** Tickets not yet solved, by status: counted from the (workspace, status, …) index. */
export async function unsolvedTicketCounts(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<UnsolvedCounts> {
  const rows = await db
    .selectFrom('tickets')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', ['new', 'open', 'pending', 'on_hold'])
    .groupBy('status')
    .execute();
  const counts: UnsolvedCounts = { new: 0, open: 0, pending: 0, on_hold: 0 };
  for (const row of rows) {
    if (row.status in counts) counts[row.status as keyof UnsolvedCounts] = Number(row.n); // filtered above
  }
  return counts;
}
