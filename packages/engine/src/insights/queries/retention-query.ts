import type { RetentionQuery, RetentionResult } from '@tandem/contract';
import { isoOfSqlTimestamp } from '../analytics-store/index.js';
import { type AnalyticsReader, AnalyticsSql, numberOf } from './analytics-sql.js';
import { EVENT, filtersCondition, personJoin, readsPerson } from './insight-filters.js';
import { addIntervals, intervalStart } from './insight-range.js';
import { ANY_EVENT } from './trend-query.js';

/**
 * Retention: people grouped by the interval of their first occurrence (ever, in the copy) of the
 * start event, for the `cohorts` intervals ending with the one holding `to`; period k counts who
 * did the return event (any event by default) in the kth interval after their cohort's. Period 0 is
 * the cohort itself; periods are listed while they have begun before `to`.
 */
export async function retentionOf(
  reader: AnalyticsReader,
  workspaceId: string,
  query: RetentionQuery,
  now: number,
): Promise<RetentionResult> {
  const to = query.to === undefined ? new Date(now) : new Date(query.to);
  const lastCohort = intervalStart(new Date(to.getTime() - 1), query.interval);
  const firstCohort = addIntervals(lastCohort, query.interval, -(query.cohorts - 1));
  const sql = new AnalyticsSql(reader.dialect);
  const ws = sql.param(workspaceId);
  const startFilters = [...query.where, ...query.startEvent.where];
  const returnEvent = query.returnEvent;
  const returnFilters = [...query.where, ...(returnEvent?.where ?? [])];
  const returnCondition =
    returnEvent === undefined || returnEvent.event === ANY_EVENT
      ? 'TRUE'
      : `${EVENT}.event = ${sql.param(returnEvent.event)}`;
  const period =
    query.interval === 'month'
      ? `((extract(year from ${EVENT}.timestamp) - extract(year from c.cohort)) * 12 + extract(month from ${EVENT}.timestamp) - extract(month from c.cohort))`
      : `((CAST(${EVENT}.timestamp AS date) - CAST(c.cohort AS date)) / ${query.interval === 'week' ? 7 : 1})`;
  const startEvent =
    query.startEvent.event === ANY_EVENT ? 'TRUE' : `${EVENT}.event = ${sql.param(query.startEvent.event)}`;
  const toSql = sql.timestamp(to);
  const rows = await reader.query(
    `WITH firsts AS (SELECT ${EVENT}.profile_id, min(${EVENT}.timestamp) AS first_at
        FROM analytics_events ${EVENT} ${readsPerson(startFilters) ? personJoin() : ''}
        WHERE ${EVENT}.workspace_id = ${ws} AND ${EVENT}.timestamp < ${toSql} AND ${startEvent}
          AND ${filtersCondition(sql, startFilters)}
        GROUP BY ${EVENT}.profile_id),
      cohorts AS (SELECT profile_id, date_trunc('${query.interval}', first_at) AS cohort FROM firsts
        WHERE first_at >= ${sql.timestamp(firstCohort)}),
      returns AS (SELECT DISTINCT c.profile_id, c.cohort, CAST(floor(${period}) AS integer) AS period
        FROM cohorts c JOIN analytics_events ${EVENT} ON ${EVENT}.profile_id = c.profile_id
          ${readsPerson(returnFilters) ? personJoin() : ''}
        WHERE ${EVENT}.workspace_id = ${ws} AND ${EVENT}.timestamp >= c.cohort + ${intervalOne(query.interval)}
          AND ${EVENT}.timestamp < ${toSql} AND ${returnCondition} AND ${filtersCondition(sql, returnFilters)})
    SELECT cohort::varchar AS cohort, 0 AS period, count(*)::integer AS people FROM cohorts GROUP BY cohort
    UNION ALL
    SELECT cohort::varchar, period, count(*)::integer FROM returns GROUP BY cohort, period`,
    sql.params,
  );
  const counts = new Map<string, number>();
  for (const row of rows)
    counts.set(`${isoOfSqlTimestamp(String(row.cohort))}|${numberOf(row.period)}`, numberOf(row.people));
  const cohorts: RetentionResult['cohorts'] = [];
  for (let index = 0; index < query.cohorts; index += 1) {
    const start = addIntervals(firstCohort, query.interval, index).toISOString();
    const people = counts.get(`${start}|0`) ?? 0;
    const periods: RetentionResult['cohorts'][number]['periods'] = [];
    for (let period = 0; addIntervals(new Date(start), query.interval, period) < to; period += 1) {
      const returned = counts.get(`${start}|${period}`) ?? 0;
      periods.push({ period, people: returned, rate: people === 0 ? 0 : returned / people });
    }
    cohorts.push({ start, people, periods });
  }
  return { interval: query.interval, cohorts };
}

/** One interval as a SQL literal (the next interval after a cohort's start). */
function intervalOne(interval: RetentionQuery['interval']): string {
  return interval === 'week' ? "INTERVAL '7 days'" : `INTERVAL '1 ${interval}'`;
}
