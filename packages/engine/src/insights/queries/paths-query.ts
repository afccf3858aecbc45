import type { PathsQuery, PathsResult } from '@tandem/contract';
import { type AnalyticsReader, AnalyticsSql, numberOf } from './analytics-sql.js';
import { EVENT, filtersCondition, OTHER, personJoin, readsPerson } from './insight-filters.js';
import { rangeOf } from './insight-range.js';

/** The node a path takes when it has no more events. */
export const PATH_END = '(end)';

/**
 * Paths after (or before) an anchor: each person's first occurrence of the anchor in [from, to)
 * and the `steps` events of any name that follow (precede) it in range, as Sankey nodes and links.
 * Per step the `width` most frequent events keep their name, the rest become "(other)"; a path
 * that runs out of events goes to "(end)" and stops there. `where` narrows the events paths are
 * made of (a person filter: whose paths).
 */
export async function pathsOf(
  reader: AnalyticsReader,
  workspaceId: string,
  query: PathsQuery,
  now: number,
): Promise<PathsResult> {
  const { from, to } = rangeOf(query, now);
  const sql = new AnalyticsSql(reader.dialect);
  const ws = sql.param(workspaceId);
  const anchor = sql.param(query.event);
  const offsets = Array.from({ length: query.steps }, (_, i) => `(${i + 1})`).join(', ');
  const sign = query.direction === 'after' ? '+' : '-';
  // `where` narrows the events a path is made of (and, on person fields, whose paths are drawn).
  const filtered = `${readsPerson(query.where) ? personJoin() : ''}
    WHERE ${EVENT}.workspace_id = ${ws} AND ${EVENT}.timestamp >= ${sql.timestamp(from)}
      AND ${EVENT}.timestamp < ${sql.timestamp(to)} AND ${filtersCondition(sql, query.where)}`;
  const rows = await reader.query(
    `WITH anchored AS (SELECT DISTINCT ${EVENT}.profile_id FROM analytics_events ${EVENT} ${filtered}
          AND ${EVENT}.event = ${anchor}),
      ordered AS (SELECT ${EVENT}.profile_id, ${EVENT}.event,
          row_number() OVER (PARTITION BY ${EVENT}.profile_id ORDER BY ${EVENT}.timestamp, ${EVENT}.seq) AS r
        FROM analytics_events ${EVENT} JOIN anchored a ON a.profile_id = ${EVENT}.profile_id ${filtered}),
      anchors AS (SELECT profile_id, min(r) AS ar FROM ordered WHERE event = ${anchor} GROUP BY profile_id),
      walked AS (SELECT a.profile_id, s.k AS step, o.event FROM anchors a CROSS JOIN (VALUES ${offsets}) AS s(k)
        LEFT JOIN ordered o ON o.profile_id = a.profile_id AND o.r = a.ar ${sign} s.k),
      ends AS (SELECT profile_id, min(step) AS end_step FROM walked WHERE event IS NULL GROUP BY profile_id),
      visited AS (SELECT w.profile_id, w.step, coalesce(w.event, '${PATH_END}') AS event FROM walked w
        LEFT JOIN ends x ON x.profile_id = w.profile_id WHERE x.end_step IS NULL OR w.step <= x.end_step),
      ranked AS (SELECT step, event, rank() OVER (PARTITION BY step ORDER BY count(*) DESC, event) AS place
        FROM visited WHERE event <> '${PATH_END}' GROUP BY step, event),
      labeled AS (SELECT v.profile_id, v.step, CASE WHEN v.event = '${PATH_END}' OR r.place <= ${query.width}
          THEN v.event ELSE '${OTHER}' END AS label
        FROM visited v LEFT JOIN ranked r ON r.step = v.step AND r.event = v.event
        UNION ALL SELECT profile_id, 0, ${anchor} FROM anchors)
    SELECT previous.step AS step, previous.label AS source, next.label AS target, count(*)::integer AS people
    FROM labeled previous JOIN labeled next ON next.profile_id = previous.profile_id AND next.step = previous.step + 1
    GROUP BY previous.step, previous.label, next.label ORDER BY previous.step, people DESC, source, target`,
    sql.params,
  );
  const nodes = new Map<string, PathsResult['nodes'][number]>();
  const nodeOf = (step: number, event: string) => {
    const id = `${step}:${event}`;
    const known = nodes.get(id);
    if (known) return known;
    const node = { id, step, event, people: 0 };
    nodes.set(id, node);
    return node;
  };
  const links: PathsResult['links'] = [];
  for (const row of rows) {
    const step = numberOf(row.step);
    const people = numberOf(row.people);
    const source = nodeOf(step, String(row.source));
    const target = nodeOf(step + 1, String(row.target));
    if (step === 0) source.people += people;
    target.people += people;
    links.push({ source: source.id, target: target.id, people });
  }
  return {
    nodes: [...nodes.values()].sort(
      (a, b) => a.step - b.step || b.people - a.people || a.event.localeCompare(b.event),
    ),
    links,
  };
}
