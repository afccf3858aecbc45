import {
  type FunnelPeopleQuery,
  type FunnelQuery,
  type FunnelResult,
  MAX_BREAKDOWN_VALUES,
} from '@tandem/contract';
import { AppError } from '../../errors/index.js';
import type { AnalyticsRow } from '../analytics-store/index.js';
import { type AnalyticsReader, AnalyticsSql, numberOf } from './analytics-sql.js';
import {
  breakdownSource,
  EVENT,
  filtersCondition,
  OTHER,
  personJoin,
  readsPerson,
} from './insight-filters.js';
import { durationSeconds, intervalLiteral, rangeOf } from './insight-range.js';

type FunnelStep = FunnelResult['steps'][number];

/**
 * A funnel's SQL up to `people`: one row per person (per breakdown value for person breakdowns)
 * with the times t1…tn of their best attempt (most steps reached, then earliest), tk null where
 * step k was not reached. An attempt starts at a step-1 event in [from, to); later steps may fall
 * up to `within` after `to`.
 *
 * - sequential: each step is the first matching event after the previous step (greedy earliest is
 *   optimal for a fixed start), found through each row's time of the next event of every step (one
 *   window minimum) and equi-joins on those times, so no per-person inequality join is needed.
 *   Events at the very same instant may be taken in either order.
 * - strict: step k is the (k−1)th event of any name after the start (`lead`).
 * - any: from each step event, the first occurrence of every step within the window (a RANGE
 *   window); tk is when steps 1…k have all been done.
 * An attempt with an exclusion event after its start and before its last reached step is dropped.
 * A person's best attempt is taken with an aggregate (the attempt of highest score), not a window.
 */
function funnelPeopleSql(sql: AnalyticsSql, workspaceId: string, query: FunnelQuery, now: number): string {
  if (query.order === 'any') requireDistinctSteps(query);
  const { from, to } = rangeOf(query, now);
  const within = intervalLiteral(query.within);
  const end = new Date(to.getTime() + durationSeconds(query.within) * 1000);
  const n = query.steps.length;
  const steps = Array.from({ length: n }, (_, k) => k + 1);
  const filtersOfAll = [
    ...query.where,
    ...query.steps.flatMap((step) => step.where),
    ...query.exclusions.flatMap((exclusion) => exclusion.where),
  ];
  const breakdown = query.breakdown === undefined ? undefined : breakdownSource(sql, query.breakdown);
  // A person breakdown keeps a person's rows together per value; an event breakdown takes the start's value.
  const key =
    query.breakdown === undefined || query.breakdown.on === 'event'
      ? `${EVENT}.profile_id`
      : `${EVENT}.profile_id || chr(1) || coalesce(${breakdown?.value}, chr(2))`;
  const stepConditions = query.steps.map(
    (step) =>
      `(${EVENT}.event = ${sql.param(step.event)} AND ${filtersCondition(sql, [...query.where, ...step.where])})`,
  );
  const exclusion =
    query.exclusions.length === 0
      ? 'FALSE'
      : query.exclusions
          .map(
            (item) => `(${EVENT}.event = ${sql.param(item.event)} AND ${filtersCondition(sql, item.where)})`,
          )
          .join(' OR ');
  const names = [...new Set([...query.steps, ...query.exclusions].map((item) => item.event))];
  const eventNarrowing =
    query.order === 'strict'
      ? 'TRUE'
      : `${EVENT}.event IN (${names.map((name) => sql.param(name)).join(', ')})`;
  const fromSql = sql.timestamp(from);
  const toSql = sql.timestamp(to);
  const events = `SELECT ${key} AS pkey, ${EVENT}.profile_id, ${EVENT}.timestamp AS ts, ${EVENT}.seq,
      ${breakdown?.value ?? 'NULL'} AS bv, ${stepConditions.map((condition, k) => `${condition} AS k${k + 1}`).join(', ')},
      ${exclusion} AS x
    FROM analytics_events ${EVENT} ${readsPerson(filtersOfAll, query.breakdown) ? personJoin() : ''} ${breakdown?.join ?? ''}
    WHERE ${EVENT}.workspace_id = ${sql.param(workspaceId)} AND ${EVENT}.timestamp >= ${fromSql}
      AND ${EVENT}.timestamp < ${sql.timestamp(end)} AND ${eventNarrowing} AND ${breakdown?.condition ?? 'TRUE'}`;
  const hit = [...steps.map((k) => `k${k}`), 'x'].join(' OR ');
  const times = steps.map((k) => `t${k}`).join(', ');
  const reached = `CASE ${steps
    .slice(1)
    .map((k) => `WHEN t${k} IS NULL THEN ${k - 1}`)
    .join(' ')} ELSE ${n} END`;
  let attempts: string;
  switch (query.order) {
    case 'sequential': {
      // Each row knows when the next event of every step (and the next exclusion) comes after it;
      // step k is then a step-k row at that instant other than step k−1's. (Only comparisons in the
      // join condition: DuckDB then hash-joins; an OR would make it a nested loop.)
      const nexts = [...steps.slice(1).map((k) => `k${k}`), 'x']
        .map((flag) => `min(CASE WHEN ${flag} THEN ts END) OVER following AS n${flag.replace('k', '')}`)
        .join(', ');
      const joins = steps
        .slice(1)
        .map(
          (k) =>
            `LEFT JOIN (SELECT * FROM chained WHERE k${k}) s${k} ON s${k}.pkey = s1.pkey AND s${k}.ts = s${k - 1}.n${k}
              AND s${k}.seq <> s${k - 1}.seq AND s${k}.ts <= s1.ts + ${within}`,
        )
        .join('\n');
      const lastStep = `coalesce(${steps
        .slice()
        .reverse()
        .map((k) => `s${k}.ts`)
        .join(', ')})`;
      attempts = `chained AS (SELECT pkey, profile_id, ts, seq, bv, ${steps.map((k) => `k${k}`).join(', ')}, ${nexts}
          FROM events WHERE ${hit}
          WINDOW following AS (PARTITION BY pkey ORDER BY ts, seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)),
        attempts AS (SELECT s1.pkey, s1.profile_id, s1.bv, ${steps.map((k) => `s${k}.ts AS t${k}`).join(', ')},
            coalesce(s1.nx < ${lastStep}, false) AS excluded
          FROM chained s1 ${joins}
          WHERE s1.k1 AND s1.ts >= ${fromSql} AND s1.ts < ${toSql})`;
      break;
    }
    case 'strict': {
      const leads = steps
        .slice(1)
        .map((k) => {
          const chain = steps
            .slice(1, k)
            .map((j) => `lead(k${j}, ${j - 1}) OVER next`)
            .join(' AND ');
          return `CASE WHEN ${chain} AND lead(ts, ${k - 1}) OVER next <= ts + ${within} THEN lead(ts, ${k - 1}) OVER next END AS t${k}`;
        })
        .join(', ');
      attempts = `ordered AS (SELECT pkey, profile_id, bv, k1, ts AS t1, ${leads} FROM events
          WINDOW next AS (PARTITION BY pkey ORDER BY ts, seq)),
        attempts AS (SELECT pkey, profile_id, bv, ${times}, false AS excluded FROM ordered
          WHERE k1 AND t1 >= ${fromSql} AND t1 < ${toSql})`;
      break;
    }
    case 'any': {
      const firsts = [...steps.map((k) => `k${k}`), 'x']
        .map((name) => `min(CASE WHEN ${name} THEN ts END) OVER ahead AS f${name.replace('k', '')}`)
        .join(', ');
      // tk: when steps 1…k have all been done; null unless all of them were.
      const cumulative = steps
        .map(
          (k) =>
            `CASE WHEN ${steps
              .slice(0, k)
              .map((j) => `f${j} IS NOT NULL`)
              .join(' AND ')} THEN greatest(${steps
              .slice(0, k)
              .map((j) => `f${j}`)
              .join(', ')}) END AS t${k}`,
        )
        .join(', ');
      attempts = `windows AS (SELECT pkey, profile_id, bv, ts AS started, ${firsts} FROM events WHERE ${hit}
          WINDOW ahead AS (PARTITION BY pkey ORDER BY ts RANGE BETWEEN CURRENT ROW AND ${within} FOLLOWING)),
        cumulative AS (SELECT pkey, profile_id, bv, started, fx, ${cumulative} FROM windows
          WHERE started >= ${fromSql} AND started < ${toSql} AND (${steps.map((k) => `f${k} IS NOT NULL`).join(' OR ')})),
        attempts AS (SELECT pkey, profile_id, bv, ${times},
            coalesce(fx > started AND fx < coalesce(${steps
              .slice()
              .reverse()
              .map((k) => `t${k}`)
              .join(', ')}), false) AS excluded
          FROM cumulative WHERE t1 IS NOT NULL)`;
      break;
    }
    default: {
      const unknown: never = query.order;
      throw new Error(`unknown order ${String(unknown)}`);
    }
  }
  return `WITH events AS (${events}),
    ${attempts},
    scored AS (SELECT pkey, profile_id, bv, ${times}, ${reached} AS reached,
        ${reached} * 10000000000.0 - ${sql.epochSeconds('t1')} AS score
      FROM attempts WHERE NOT excluded),
    people AS (SELECT min(profile_id) AS profile_id, ${['bv', ...steps.map((k) => `t${k}`)]
      .map((column) => `${sql.valueAtMax(column, 'score')} AS ${column}`)
      .join(', ')}, max(reached) AS reached
      FROM scored GROUP BY pkey)`;
}

/**
 * In any order a step repeated (same event, same filters) would be met by the one event that met
 * the first: such funnels are refused rather than answered wrong.
 */
function requireDistinctSteps(query: FunnelQuery): void {
  const seen = new Set<string>();
  for (const [index, step] of query.steps.entries()) {
    const key = JSON.stringify([step.event, step.where]);
    if (seen.has(key)) {
      throw new AppError(
        'validation_failed',
        `steps.${index} repeats an earlier step, which order any cannot tell apart`,
        {
          details: [
            { path: `steps.${index}`, message: 'repeats an earlier step; use order sequential or strict' },
          ],
        },
      );
    }
    seen.add(key);
  }
}

/** A funnel: people per step, conversion from the first and the previous step, time to convert. */
export async function funnelOf(
  reader: AnalyticsReader,
  workspaceId: string,
  query: FunnelQuery,
  now: number,
): Promise<FunnelResult> {
  const sql = new AnalyticsSql(reader.dialect);
  const head = funnelPeopleSql(sql, workspaceId, query, now);
  const steps = query.steps.map((_, k) => k + 1);
  const measures = steps
    .map((k) => {
      const count = `count(t${k})::integer AS c${k}`;
      if (k === 1) return count;
      const seconds = `${sql.epochSeconds(`t${k}`)} - ${sql.epochSeconds(`t${k - 1}`)}`;
      return `${count}, avg(${seconds})::double precision AS a${k}, ${sql.median(seconds)} AS m${k}`;
    })
    .join(', ');
  const grouped = query.breakdown !== undefined;
  const rows = await reader.query(
    grouped
      ? `${head},
        top_values AS (SELECT bv FROM people WHERE bv IS NOT NULL GROUP BY bv ORDER BY count(*) DESC, bv LIMIT ${MAX_BREAKDOWN_VALUES}),
        labeled AS (SELECT *, CASE WHEN bv IS NULL THEN NULL WHEN bv IN (SELECT bv FROM top_values) THEN bv ELSE '${OTHER}' END AS label FROM people)
        SELECT label, GROUPING(label)::integer AS overall, ${measures} FROM labeled GROUP BY GROUPING SETS ((label), ())`
      : `${head} SELECT 1 AS overall, ${measures} FROM people`,
    sql.params,
  );
  const stepsOf = (row: AnalyticsRow | undefined): FunnelStep[] =>
    query.steps.map((step, index) => {
      const k = index + 1;
      const people = numberOf(row?.[`c${k}`]);
      const first = numberOf(row?.c1);
      const previous = k === 1 ? people : numberOf(row?.[`c${k - 1}`]);
      const seconds = (value: AnalyticsRow[string] | undefined) =>
        k === 1 || value === null || value === undefined ? null : numberOf(value);
      return {
        event: step.event,
        people,
        conversion: first === 0 ? 0 : people / first,
        stepConversion: k === 1 ? 1 : previous === 0 ? 0 : people / previous,
        medianSecondsToConvert: seconds(row?.[`m${k}`]),
        averageSecondsToConvert: seconds(row?.[`a${k}`]),
      };
    });
  const overall = rows.find((row) => numberOf(row.overall) === 1);
  if (!grouped) return { steps: stepsOf(overall) };
  const breakdowns = rows
    .filter((row) => numberOf(row.overall) === 0)
    .map((row) => ({ breakdown: row.label === null ? null : String(row.label), steps: stepsOf(row) }))
    .sort((a, b) => {
      const lastA = a.breakdown === null || a.breakdown === OTHER;
      const lastB = b.breakdown === null || b.breakdown === OTHER;
      if (lastA !== lastB) return lastA ? 1 : -1;
      return (
        (b.steps[0]?.people ?? 0) - (a.steps[0]?.people ?? 0) ||
        String(a.breakdown).localeCompare(String(b.breakdown))
      );
    });
  return { steps: stepsOf(overall), breakdowns };
}

/** The people of a funnel step: who reached it, or who reached the step before and stopped. */
export async function funnelPeopleOf(
  reader: AnalyticsReader,
  workspaceId: string,
  query: FunnelPeopleQuery,
  now: number,
): Promise<{ profileIds: string[]; total: number }> {
  const { breakdown: _ignored, ...funnel } = query.funnel;
  if (query.step >= funnel.steps.length) {
    throw new AppError('validation_failed', `step must be below the funnel's ${funnel.steps.length} steps`, {
      details: [{ path: 'step', message: `must be at most ${funnel.steps.length - 1}` }],
    });
  }
  if (query.outcome === 'dropped' && query.step === 0) {
    throw new AppError(
      'validation_failed',
      'nobody drops at the first step: step must be 1 or more with dropped',
      {
        details: [{ path: 'step', message: 'must be 1 or more when outcome is dropped' }],
      },
    );
  }
  const sql = new AnalyticsSql(reader.dialect);
  const head = funnelPeopleSql(sql, workspaceId, funnel, now);
  const condition =
    query.outcome === 'converted' ? `reached >= ${query.step + 1}` : `reached = ${query.step}`;
  const rows = await reader.query(
    `${head}, chosen AS (SELECT DISTINCT profile_id FROM people WHERE ${condition})
     SELECT profile_id, count(*) OVER ()::integer AS total FROM chosen ORDER BY profile_id LIMIT ${query.limit}`,
    sql.params,
  );
  return { profileIds: rows.map((row) => String(row.profile_id)), total: numberOf(rows[0]?.total) };
}
