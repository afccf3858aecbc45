import type { SlaAttainmentReport, SupportReportQuery } from '@tandem/contract';
import { periodOf } from './report-period.js';

type Outcome = Partial<Record<string, 'met' | 'breached'>>;

export interface SlaAttainmentDeps {
  /** Tickets opened in [from, to) (TicketsService.openedBetween). */
  openedBetween(
    workspaceId: string,
    from: string,
    to: string,
  ): Promise<{ id: string; assigneeId: string | null; teamId: string | null }[]>;
  /** Per ticket with a policy: which targets were met or breached (SlaService.outcomesOf). */
  outcomesOf(workspaceId: string, ticketIds: readonly string[]): Promise<Map<string, Outcome>>;
}

/**
 * SLA attainment over tickets opened in a period: of the first-response and resolution targets
 * that were settled (met or breached), the share met — overall, by agent and by team.
 */
export async function slaAttainmentReport(
  deps: SlaAttainmentDeps,
  workspaceId: string,
  query: SupportReportQuery,
  now: number,
): Promise<SlaAttainmentReport> {
  const { from, to, start, end } = periodOf(query, now);
  const tickets = await deps.openedBetween(workspaceId, start, end);
  const outcomes = await deps.outcomesOf(
    workspaceId,
    tickets.map((t) => t.id),
  );
  const withSla = tickets.flatMap((t) => {
    const outcome = outcomes.get(t.id);
    return outcome ? [{ ...t, outcome }] : [];
  });
  const group = <K extends string | null>(key: (t: (typeof withSla)[number]) => K) => {
    const groups = new Map<K, Outcome[]>();
    for (const t of withSla) groups.set(key(t), [...(groups.get(key(t)) ?? []), t.outcome]);
    return [...groups];
  };
  return {
    from,
    to,
    totals: attainmentOf(withSla.map((t) => t.outcome)),
    byAgent: group((t) => t.assigneeId).map(([assigneeId, list]) => ({ assigneeId, ...attainmentOf(list) })),
    byTeam: group((t) => t.teamId).map(([teamId, list]) => ({ teamId, ...attainmentOf(list) })),
  };
}

function attainmentOf(outcomes: readonly Outcome[]) {
  const count = (metric: string, value: 'met' | 'breached') =>
    outcomes.filter((o) => o[metric] === value).length;
  const percent = (met: number, breached: number) =>
    met + breached === 0 ? null : Math.round((met / (met + breached)) * 1000) / 10;
  const firstResponseMet = count('first_response', 'met');
  const firstResponseBreached = count('first_response', 'breached');
  const resolutionMet = count('resolution', 'met');
  const resolutionBreached = count('resolution', 'breached');
  return {
    tickets: outcomes.length,
    firstResponseMet,
    firstResponseBreached,
    firstResponsePercent: percent(firstResponseMet, firstResponseBreached),
    resolutionMet,
    resolutionBreached,
    resolutionPercent: percent(resolutionMet, resolutionBreached),
  };
}
