import {
  FORECAST_CATEGORIES,
  type ForecastMonth,
  type ForecastReport,
  type Pipeline,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../store/index.js';
import { roundCents } from './pipeline-report.js';

export interface ForecastOptions {
  /** First month, `YYYY-MM`. */
  readonly from: string;
  readonly months: number;
}

/**
 * Deals by close month: won amounts, and open amounts in the category of their stage's
 * probability (commit ≥ 70 %, best case ≥ 40 %, pipeline below); `weighted` adds won amounts
 * to open ones times their probability. Categories do not overlap: best case as a sales manager
 * calls it (all that could close) is won + commit + best case.
 */
export async function forecastReport(
  db: Kysely<Database>,
  workspaceId: string,
  pipeline: Pipeline,
  options: ForecastOptions,
): Promise<ForecastReport> {
  const monthList = monthsFrom(options.from, options.months);
  const first = `${options.from}-01`;
  const end = `${nextMonth(monthList.at(-1) ?? options.from)}-01`;
  const month = sql<string | null>`substr(close_date, 1, 7)`;
  // Every open deal in one scan of the covering index, grouped by stage and close month (a few
  // dozen groups): months in range, overdue and undated are told apart here.
  const open = await db
    .selectFrom('crm_deals')
    .select(({ fn }) => [
      'stage_id',
      month.as('month'),
      fn.countAll<number>().as('count'),
      fn.sum<number>('amount').as('amount'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('pipeline_id', '=', pipeline.id)
    .where('status', '=', 'open')
    .groupBy(['stage_id', month])
    .execute();
  const won = await db
    .selectFrom('crm_deals')
    .select(({ fn }) => [
      month.as('month'),
      fn.countAll<number>().as('count'),
      fn.sum<number>('amount').as('amount'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('pipeline_id', '=', pipeline.id)
    .where('status', '=', 'won')
    .where('close_date', '>=', first)
    .where('close_date', '<', end)
    .groupBy(month)
    .execute();
  const undated = { count: 0, amount: 0 };
  const overdue = { count: 0, amount: 0 };
  const probability = new Map(pipeline.stages.map((s) => [s.id, s.probability]));
  const byMonth = new Map<string, ForecastMonth>(
    monthList.map((m) => [
      m,
      { month: m, won: 0, commit: 0, bestCase: 0, pipeline: 0, weighted: 0, openCount: 0, wonCount: 0 },
    ]),
  );
  for (const row of won) {
    const entry = row.month === null ? undefined : byMonth.get(row.month);
    if (!entry) continue;
    entry.won += Number(row.amount ?? 0);
    entry.wonCount += Number(row.count);
    entry.weighted += Number(row.amount ?? 0);
  }
  for (const row of open) {
    const outside = row.month === null ? undated : row.month < options.from ? overdue : undefined;
    if (outside) {
      outside.count += Number(row.count);
      outside.amount += Number(row.amount ?? 0);
    }
    const entry = row.month === null ? undefined : byMonth.get(row.month);
    if (!entry) continue;
    const amount = Number(row.amount ?? 0);
    const p = probability.get(row.stage_id) ?? 0;
    entry[categoryOf(p)] += amount;
    entry.openCount += Number(row.count);
    entry.weighted += (amount * p) / 100;
  }
  return {
    pipelineId: pipeline.id,
    months: [...byMonth.values()].map((m) => ({
      ...m,
      won: roundCents(m.won),
      commit: roundCents(m.commit),
      bestCase: roundCents(m.bestCase),
      pipeline: roundCents(m.pipeline),
      weighted: roundCents(m.weighted),
    })),
    undated: { count: undated.count, amount: roundCents(undated.amount) },
    overdue: { count: overdue.count, amount: roundCents(overdue.amount) },
  };
}

/** The forecast category of an open deal in a stage of this probability. */
export function categoryOf(probability: number): 'commit' | 'bestCase' | 'pipeline' {
  if (probability >= FORECAST_CATEGORIES.commit.minProbability) return 'commit';
  if (probability >= FORECAST_CATEGORIES.bestCase.minProbability) return 'bestCase';
  return 'pipeline';
}

/** `count` months from `from` (`YYYY-MM`), in order. */
export function monthsFrom(from: string, count: number): string[] {
  const months = [from];
  while (months.length < count) months.push(nextMonth(months.at(-1) ?? from));
  return months;
}

function nextMonth(month: string): string {
  const [year = 0, number = 1] = month.split('-').map(Number);
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}
