import type { Pipeline, SalesReport } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type Database, daysBetween, type StoreKind } from '../../store/index.js';
import { roundCents } from './pipeline-report.js';

export interface SalesPeriod {
  /** First close day, `YYYY-MM-DD`. */
  readonly since?: string | undefined;
  /** Last close day, `YYYY-MM-DD`. */
  readonly until?: string | undefined;
}

interface Tally {
  won: number;
  lost: number;
  wonAmount: number;
  cycleDays: number;
  openCount: number;
  openAmount: number;
}

/**
 * Outcomes of the deals of a pipeline closed in the period (by close date), overall and per
 * owner: win rate (won of won + lost), average won deal, and the sales cycle (days from a won
 * deal's creation to its win). Open deals are counted as they stand now.
 */
export async function salesReport(
  db: Kysely<Database>,
  kind: StoreKind,
  options: { workspaceId: string; pipeline: Pipeline; period: SalesPeriod },
): Promise<SalesReport> {
  const { workspaceId, pipeline, period } = options;
  const [closed, open] = await Promise.all([
    db
      .selectFrom('crm_deals')
      .select(({ fn }) => [
        'owner_id',
        'status',
        fn.countAll<number>().as('count'),
        fn.sum<number>('amount').as('amount'),
        fn.sum<number>(daysBetween(kind, 'created_at', 'closed_at')).as('days'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('pipeline_id', '=', pipeline.id)
      .where('status', 'in', ['won', 'lost'])
      .$call((q) => (period.since ? q.where('close_date', '>=', period.since) : q))
      .$call((q) => (period.until ? q.where('close_date', '<=', period.until) : q))
      .groupBy(['owner_id', 'status'])
      .execute(),
    db
      .selectFrom('crm_deals')
      .select(({ fn }) => [
        'owner_id',
        fn.countAll<number>().as('count'),
        fn.sum<number>('amount').as('amount'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('pipeline_id', '=', pipeline.id)
      .where('status', '=', 'open')
      .groupBy('owner_id')
      .execute(),
  ]);
  const overall = emptyTally();
  const owners = new Map<string | null, Tally>();
  const tallyOf = (ownerId: string | null) => {
    const tally = owners.get(ownerId) ?? emptyTally();
    owners.set(ownerId, tally);
    return tally;
  };
  for (const row of closed) {
    for (const tally of [overall, tallyOf(row.owner_id)]) {
      if (row.status === 'won') {
        tally.won += Number(row.count);
        tally.wonAmount += Number(row.amount ?? 0);
        tally.cycleDays += Number(row.days ?? 0);
      } else tally.lost += Number(row.count);
    }
  }
  for (const row of open) {
    for (const tally of [overall, tallyOf(row.owner_id)]) {
      tally.openCount += Number(row.count);
      tally.openAmount += Number(row.amount ?? 0);
    }
  }
  return {
    pipelineId: pipeline.id,
    overall: outcomes(overall),
    owners: [...owners]
      .map(([ownerId, tally]) => ({ ownerId, ...outcomes(tally) }))
      .sort((a, b) => b.wonAmount - a.wonAmount || b.openAmount - a.openAmount),
  };
}

function emptyTally(): Tally {
  return { won: 0, lost: 0, wonAmount: 0, cycleDays: 0, openCount: 0, openAmount: 0 };
}

function outcomes(tally: Tally) {
  const closed = tally.won + tally.lost;
  return {
    won: tally.won,
    lost: tally.lost,
    wonAmount: roundCents(tally.wonAmount),
    winRate: closed === 0 ? null : Math.round((tally.won / closed) * 1000) / 10,
    averageDealSize: tally.won === 0 ? null : roundCents(tally.wonAmount / tally.won),
    salesCycleDays: tally.won === 0 ? null : Math.round((tally.cycleDays / tally.won) * 10) / 10,
    openCount: tally.openCount,
    openAmount: roundCents(tally.openAmount),
  };
}
