import type { TicketReport, TicketReportQuery } from '@tandem/contract';
import type { Store } from '../../store/index.js';

const DAY_MS = 86_400_000;

/**
 * Volume by day (opened, solved), median first-response and resolution times, overall and per
 * agent and team, for tickets opened in a window of days (default: the last 30). Reads only
 * the columns it needs, through the (workspace, updated_at) index's table rows.
 */
export async function ticketReport(
  store: Store,
  workspaceId: string,
  query: TicketReportQuery,
  now: number,
): Promise<TicketReport> {
  const to = query.to ?? new Date(now).toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
  const end = new Date(Date.parse(to) + DAY_MS).toISOString();
  const rows = await store.db
    .selectFrom('tickets')
    .select(['assignee_id', 'team_id', 'created_at', 'first_response_at', 'solved_at'])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', from)
    .where('created_at', '<', end)
    .where('merged_into', 'is', null)
    .execute();
  const volume = new Map<string, { opened: number; solved: number }>();
  for (let day = Date.parse(from); day <= Date.parse(to); day += DAY_MS)
    volume.set(new Date(day).toISOString().slice(0, 10), { opened: 0, solved: 0 });
  for (const row of rows) {
    const opened = volume.get(row.created_at.slice(0, 10));
    if (opened) opened.opened++;
    const solved = row.solved_at ? volume.get(row.solved_at.slice(0, 10)) : undefined;
    if (solved) solved.solved++;
  }
  const group = <K extends string | null>(key: (row: (typeof rows)[number]) => K) => {
    const groups = new Map<K, typeof rows>();
    for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
    return [...groups];
  };
  return {
    from,
    to,
    volume: [...volume].map(([day, counts]) => ({ day, ...counts })),
    totals: timesOf(rows),
    byAgent: group((r) => r.assignee_id).map(([assigneeId, list]) => ({ assigneeId, ...timesOf(list) })),
    byTeam: group((r) => r.team_id).map(([teamId, list]) => ({ teamId, ...timesOf(list) })),
  };
}

function timesOf(
  rows: readonly { created_at: string; first_response_at: string | null; solved_at: string | null }[],
) {
  const minutes = (from: string, to: string | null) =>
    to === null ? undefined : (Date.parse(to) - Date.parse(from)) / 60_000;
  const firsts = rows.flatMap((r) => minutes(r.created_at, r.first_response_at) ?? []);
  const resolutions = rows.flatMap((r) => minutes(r.created_at, r.solved_at) ?? []);
  return {
    tickets: rows.length,
    solved: resolutions.length,
    medianFirstResponseMinutes: median(firsts),
    medianResolutionMinutes: median(resolutions),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}
