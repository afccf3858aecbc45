/**
 * The analytics copy of the event log: one row per behavioural event (track, page, screen) with
 * the person it belongs to, in a store built for scans. Embedded installs keep it in DuckDB
 * (columnar, vectorised, every core); PostgreSQL installs keep it in the `analytics_events` table of
 * their own database, so every server process reads the same copy. Queries are written once, in
 * the SQL both understand. Beside the events, `analytics_people` holds each person's current traits,
 * computed traits and audiences, which person filters and breakdowns join.
 */

/** One event of the copy. */
export interface AnalyticsEventRow {
  readonly workspaceId: string;
  /** The log's seq: the row's identity (a re-copy replaces, never duplicates). */
  readonly seq: number;
  /** The person: the live profile the event belongs to (re-pointed when profiles merge). */
  readonly profileId: string;
  /** track, page or screen. */
  readonly type: string;
  /** track: the event name; page: `Page Viewed`; screen: `Screen Viewed`. */
  readonly event: string;
  /** ISO 8601 UTC. */
  readonly timestamp: string;
  readonly sourceId: string;
  /** The call's properties as JSON text (page and screen calls: their name with the properties). */
  readonly properties: string | null;
  /** context.campaign, for attribution. */
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
}

/**
 * A person as the copy's queries filter and break down by: their current traits (CRM fields,
 * `crm_*`, included), computed trait values by name, and the audiences they are in now.
 */
export interface AnalyticsPersonRow {
  readonly workspaceId: string;
  readonly profileId: string;
  /** JSON text of an object. */
  readonly traits: string;
  /** JSON text of an object: computed trait name → value. */
  readonly computedTraits: string;
  /** JSON text of an array of audience ids. */
  readonly audiences: string;
  /** ISO 8601 UTC. */
  readonly updatedAt: string;
}

/** A merged-away profile and the live profile it is now part of. */
export interface AnalyticsMerge {
  readonly mergedId: string;
  readonly survivorId: string;
}

/** The names page and screen calls take in the copy. */
export const PAGE_EVENT = 'Page Viewed';
export const SCREEN_EVENT = 'Screen Viewed';

export type AnalyticsDialect = 'duckdb' | 'postgres';

/** A row read back: numbers as numbers (cast counts in SQL), timestamps as ISO 8601 text. */
export type AnalyticsRow = Record<string, string | number | boolean | null>;

export interface AnalyticsStore {
  readonly dialect: AnalyticsDialect;
  /** Adds rows (a row whose workspace and seq are already there is replaced). */
  append(rows: readonly AnalyticsEventRow[]): Promise<void>;
  /** Adds or replaces these people's rows (by workspace and profile). */
  putPeople(rows: readonly AnalyticsPersonRow[]): Promise<void>;
  /** Moves merged-away profiles' events to their survivors; their people rows go. */
  repoint(workspaceId: string, merges: readonly AnalyticsMerge[]): Promise<void>;
  /** Removes these profiles' events and people rows; how many of each. */
  removeProfiles(
    workspaceId: string,
    profileIds: readonly string[],
  ): Promise<{ events: number; people: number }>;
  /** Empties the copy (every workspace). */
  clear(): Promise<void>;
  /**
   * Runs `work` as one transaction of the copy, handing it the store to write with (PostgreSQL:
   * a store made `within` a transaction is already in one, and runs `work` in it).
   */
  transaction<T>(work: (store: AnalyticsStore) => Promise<T>): Promise<T>;
  /**
   * A statement with positional `$1…` parameters; its rows. Queries and `execute` stand outside
   * the copy's `transaction`s (DuckDB: a connection of their own), so readers never wait on a batch.
   */
  query(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<AnalyticsRow[]>;
  /** A statement run for its effect. */
  execute(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<void>;
  close(): Promise<void>;
}

/** The copy's columns, in order, as both stores name them. */
export const ANALYTICS_COLUMNS = [
  'workspace_id',
  'seq',
  'profile_id',
  'type',
  'event',
  'timestamp',
  'source_id',
  'properties',
  'utm_source',
  'utm_medium',
  'utm_campaign',
] as const;

/** The people table's columns, in order. */
export const ANALYTICS_PEOPLE_COLUMNS = [
  'workspace_id',
  'profile_id',
  'traits',
  'computed_traits',
  'audiences',
  'updated_at',
] as const;

/**
 * A timestamp the copy rendered as text (`ts::varchar`: `2026-01-05 13:00:00[.123]` on both
 * stores) as ISO 8601 UTC. Queries hand timestamps out this way: pg would read a bare
 * `timestamp` in the process's time zone.
 */
export function isoOfSqlTimestamp(text: string): string {
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}
