import type { AttributionQuery, AttributionResult } from '@tandem/contract';
import { type AnalyticsReader, AnalyticsSql, numberOf } from './analytics-sql.js';
import { EVENT, filtersCondition, personJoin, readsPerson } from './insight-filters.js';
import { durationSeconds, intervalLiteral, rangeOf } from './insight-range.js';

/** The value a touch lacking one UTM part shows under `source_medium`. */
const NONE = '(none)';

/**
 * Attribution: each conversion in [from, to) (with its revenue property, 0 when missing) is
 * credited to its person's touches — events carrying the UTM value credited (the conversion itself
 * included) from `lookback` before it up to it — under the model: first or last touch takes all;
 * linear splits evenly; time decay weighs a touch 2^(−age / halfLife); position-based gives 40 % to
 * the first and the last, 20 % split over the middle ones (one touch: all; two: half each).
 */
export async function attributionOf(
  reader: AnalyticsReader,
  workspaceId: string,
  query: AttributionQuery,
  now: number,
): Promise<AttributionResult> {
  const { from, to } = rangeOf(query, now);
  const sql = new AnalyticsSql(reader.dialect);
  const filters = [...query.where, ...query.conversion.where];
  const touchValue = {
    campaign: 't.utm_campaign',
    source: 't.utm_source',
    medium: 't.utm_medium',
    source_medium: `CASE WHEN t.utm_source IS NULL AND t.utm_medium IS NULL THEN NULL
      ELSE coalesce(t.utm_source, '${NONE}') || ' / ' || coalesce(t.utm_medium, '${NONE}') END`,
  }[query.by];
  const ws = sql.param(workspaceId);
  const revenue = `coalesce(${sql.jsonNumber(`${EVENT}.properties`, query.revenueProperty)}, 0)`;
  const conversions = `SELECT ${EVENT}.profile_id, ${EVENT}.seq AS cseq, ${EVENT}.timestamp AS cts, ${revenue} AS revenue
    FROM analytics_events ${EVENT} ${readsPerson(filters) ? personJoin() : ''}
    WHERE ${EVENT}.workspace_id = ${ws} AND ${EVENT}.event = ${sql.param(query.conversion.event)}
      AND ${EVENT}.timestamp >= ${sql.timestamp(from)} AND ${EVENT}.timestamp < ${sql.timestamp(to)}
      AND ${filtersCondition(sql, filters)}`;
  const age = `(${sql.epochSeconds('c.cts')} - ${sql.epochSeconds('t.timestamp')})`;
  const touches = `SELECT c.cseq, c.revenue, ${touchValue} AS value,
      row_number() OVER per_conversion AS position, count(*) OVER (PARTITION BY c.cseq) AS touches,
      power(0.5, ${age} / ${sql.param(durationSeconds(query.halfLife))}) AS weight
    FROM conversions c JOIN analytics_events t ON t.workspace_id = ${ws} AND t.profile_id = c.profile_id
      AND t.timestamp <= c.cts AND t.timestamp >= c.cts - ${intervalLiteral(query.lookback)}
    WHERE ${touchValue} IS NOT NULL
    WINDOW per_conversion AS (PARTITION BY c.cseq ORDER BY t.timestamp, t.seq)`;
  const credit = {
    first_touch: 'CASE WHEN position = 1 THEN 1.0 ELSE 0.0 END',
    last_touch: 'CASE WHEN position = touches THEN 1.0 ELSE 0.0 END',
    linear: '1.0 / touches',
    time_decay: 'weight / sum(weight) OVER (PARTITION BY cseq)',
    position_based: `CASE WHEN touches = 1 THEN 1.0 WHEN touches = 2 THEN 0.5
      WHEN position = 1 OR position = touches THEN 0.4 ELSE 0.2 / (touches - 2) END`,
  }[query.model];
  const rows = await reader.query(
    `WITH conversions AS (${conversions}),
      touches AS (${touches}),
      credited AS (SELECT cseq, value, revenue, (${credit})::double precision AS credit FROM touches),
      totals AS (SELECT count(*)::integer AS conversions, coalesce(sum(revenue), 0)::double precision AS revenue,
          (count(*) - (SELECT count(DISTINCT cseq) FROM touches))::integer AS unattributed FROM conversions)
    SELECT NULL AS value, conversions AS credit, revenue, unattributed FROM totals
    UNION ALL
    SELECT value, sum(credit)::double precision, sum(credit * revenue)::double precision, NULL FROM credited
    WHERE credit > 0 GROUP BY value`,
    sql.params,
  );
  const totals = rows.find((row) => row.unattributed !== null);
  const conversionCount = numberOf(totals?.credit);
  const unattributed = numberOf(totals?.unattributed);
  const attributed = conversionCount - unattributed;
  return {
    model: query.model,
    by: query.by,
    conversions: conversionCount,
    unattributed,
    revenue: numberOf(totals?.revenue),
    rows: rows
      .filter((row) => row.unattributed === null)
      .map((row) => ({
        value: String(row.value),
        conversions: numberOf(row.credit),
        revenue: numberOf(row.revenue),
        share: attributed === 0 ? 0 : numberOf(row.credit) / attributed,
      }))
      .sort(
        (a, b) => b.conversions - a.conversions || b.revenue - a.revenue || a.value.localeCompare(b.value),
      ),
  };
}
