import { MAX_BREAKDOWN_VALUES, type TrendQuery, type TrendResult } from '@tandem/contract';
import { isoOfSqlTimestamp } from '../analytics-store/index.js';
import { type AnalyticsReader, AnalyticsSql, numberOf } from './analytics-sql.js';
import {
  breakdownSource,
  EVENT,
  filtersCondition,
  OTHER,
  personJoin,
  readsPerson,
} from './insight-filters.js';
import { intervalStarts, rangeOf } from './insight-range.js';

/** The event name that matches any event. */
export const ANY_EVENT = '*';

type TrendSeriesQuery = TrendQuery['series'][number];
type TrendSeries = TrendResult['series'][number];

/**
 * A trend: per series, the count, unique people, sum or average of a property per interval of
 * [from, to), zeros filled, optionally broken down (the top values by the series' measure over the
 * range; the rest summed as "(other)"). One statement per series: the points and the range totals
 * come from one scan through GROUPING SETS.
 */
export async function trendOf(
  reader: AnalyticsReader,
  workspaceId: string,
  query: TrendQuery,
  now: number,
): Promise<TrendResult> {
  const { from, to } = rangeOf(query, now);
  const starts = intervalStarts(from, to, query.interval);
  const series: TrendSeries[] = [];
  for (const [index, seriesQuery] of query.series.entries()) {
    series.push(...(await seriesOf(reader, { workspaceId, query, seriesQuery, index, from, to, starts })));
  }
  return { interval: query.interval, from: from.toISOString(), to: to.toISOString(), series };
}

interface SeriesContext {
  readonly workspaceId: string;
  readonly query: TrendQuery;
  readonly seriesQuery: TrendSeriesQuery;
  readonly index: number;
  readonly from: Date;
  readonly to: Date;
  readonly starts: readonly Date[];
}

async function seriesOf(reader: AnalyticsReader, context: SeriesContext): Promise<TrendSeries[]> {
  const { query, seriesQuery } = context;
  const sql = new AnalyticsSql(reader.dialect);
  const filters = [...query.where, ...seriesQuery.where];
  const breakdown = query.breakdown === undefined ? undefined : breakdownSource(sql, query.breakdown);
  const measured =
    seriesQuery.property === undefined
      ? 'CAST(NULL AS double precision)'
      : sql.jsonNumber(`${EVENT}.properties`, seriesQuery.property);
  const eventCondition =
    seriesQuery.event === ANY_EVENT ? 'TRUE' : `${EVENT}.event = ${sql.param(seriesQuery.event)}`;
  const matched = `SELECT date_trunc('${query.interval}', ${EVENT}.timestamp) AS bucket, ${breakdown?.value ?? 'NULL'} AS bv,
      ${EVENT}.profile_id, ${measured} AS num
    FROM analytics_events ${EVENT} ${readsPerson(filters, query.breakdown) ? personJoin() : ''} ${breakdown?.join ?? ''}
    WHERE ${EVENT}.workspace_id = ${sql.param(context.workspaceId)} AND ${EVENT}.timestamp >= ${sql.timestamp(context.from)}
      AND ${EVENT}.timestamp < ${sql.timestamp(context.to)} AND ${eventCondition}
      AND ${filtersCondition(sql, filters)} AND ${breakdown?.condition ?? 'TRUE'}`;
  const label = breakdown
    ? `CASE WHEN bv IS NULL THEN NULL WHEN bv IN (SELECT bv FROM top_values) THEN bv ELSE '${OTHER}' END`
    : 'NULL';
  // Unique people need the rows themselves; the other measures add up, so the rows are first
  // folded into (interval, value) cells and the top values and "(other)" are made from those.
  const statement =
    seriesQuery.measure === 'people'
      ? `WITH matched AS (${matched}),
        top_values AS (SELECT bv FROM matched WHERE bv IS NOT NULL GROUP BY bv
          ORDER BY count(DISTINCT profile_id) DESC, bv LIMIT ${MAX_BREAKDOWN_VALUES}),
        labeled AS (SELECT bucket, ${label} AS label, profile_id FROM matched)
        SELECT bucket::varchar AS bucket, label, count(DISTINCT profile_id)::integer AS people
        FROM labeled GROUP BY GROUPING SETS ((bucket, label), (label))`
      : `WITH cells AS (SELECT bucket, bv, count(*) AS events, sum(num) AS total, count(num) AS measured
          FROM (${matched}) matched GROUP BY bucket, bv),
        top_values AS (SELECT bv FROM cells WHERE bv IS NOT NULL GROUP BY bv
          ORDER BY ${seriesQuery.measure === 'count' ? 'sum(events)' : 'sum(total)'} DESC, bv LIMIT ${MAX_BREAKDOWN_VALUES}),
        labeled AS (SELECT bucket, ${label} AS label, events, total, measured FROM cells)
        SELECT bucket::varchar AS bucket, label, sum(events)::double precision AS events,
          sum(total)::double precision AS total, sum(measured)::double precision AS measured
        FROM labeled GROUP BY GROUPING SETS ((bucket, label), (label))`;
  const rows = await reader.query(statement, sql.params);
  const measureOf = (row: (typeof rows)[number]): number => {
    switch (seriesQuery.measure) {
      case 'count':
        return numberOf(row.events);
      case 'people':
        return numberOf(row.people);
      case 'sum':
        return numberOf(row.total);
      case 'average':
        return numberOf(row.measured) === 0 ? 0 : numberOf(row.total) / numberOf(row.measured);
      default: {
        const unknown: never = seriesQuery.measure;
        throw new Error(`unknown measure ${String(unknown)}`);
      }
    }
  };
  const groups = new Map<string | null, { points: Map<string, number>; total: number }>();
  const groupOf = (label: string | null) => {
    const known = groups.get(label);
    if (known) return known;
    const group = { points: new Map<string, number>(), total: 0 };
    groups.set(label, group);
    return group;
  };
  for (const row of rows) {
    const group = groupOf(row.label === null ? null : String(row.label));
    if (row.bucket === null) group.total = measureOf(row);
    else group.points.set(isoOfSqlTimestamp(String(row.bucket)), measureOf(row));
  }
  if (groups.size === 0 && !breakdown) groupOf(null);
  const ordered = [...groups.entries()].sort(([labelA, a], [labelB, b]) => {
    const lastA = labelA === null || labelA === OTHER;
    const lastB = labelB === null || labelB === OTHER;
    if (lastA !== lastB) return lastA ? 1 : -1;
    return b.total - a.total || String(labelA).localeCompare(String(labelB));
  });
  return ordered.map(([label, group]) => ({
    index: context.index,
    event: seriesQuery.event,
    measure: seriesQuery.measure,
    ...(breakdown ? { breakdown: label } : {}),
    points: context.starts.map((start) => ({
      at: start.toISOString(),
      value: group.points.get(start.toISOString()) ?? 0,
    })),
    total: group.total,
  }));
}
