import { isoOfSqlTimestamp } from '../analytics-store/index.js';
import { type AnalyticsReader, AnalyticsSql, numberOf } from './analytics-sql.js';

/** One event of a name in the copy: its person, when, and the numeric value of a property. */
export interface CopiedValuedEvent {
  readonly profileId: string;
  readonly timestamp: string;
  /** 0 when the property is absent or not a number. */
  readonly value: number;
}

/**
 * Every event of this name up to `until` (ISO, inclusive) with its person and a numeric property,
 * from the analytics copy: one columnar scan, where the row store walks an index page by page.
 * Predictions fit their purchase models on these.
 */
export async function valuedEventsOf(
  reader: AnalyticsReader,
  workspaceId: string,
  options: { event: string; valueProperty?: string | undefined; until?: string | undefined },
): Promise<CopiedValuedEvent[]> {
  const q = new AnalyticsSql(reader.dialect);
  const value = options.valueProperty
    ? `coalesce(${q.jsonNumber('properties', options.valueProperty)}, 0)`
    : '0';
  const until = options.until ? ` AND timestamp <= ${q.timestamp(new Date(options.until))}` : '';
  const rows = await reader.query(
    `SELECT profile_id, CAST(timestamp AS VARCHAR) AS at, CAST(${value} AS DOUBLE PRECISION) AS value
     FROM analytics_events
     WHERE workspace_id = ${q.param(workspaceId)} AND event = ${q.param(options.event)}${until}
     ORDER BY timestamp, seq`,
    q.params,
  );
  return rows.map((row) => ({
    profileId: String(row.profile_id),
    timestamp: isoOfSqlTimestamp(String(row.at)),
    value: numberOf(row.value),
  }));
}
