import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import type {
  AnalyticsEventRow,
  AnalyticsMerge,
  AnalyticsPersonRow,
  AnalyticsRow,
  AnalyticsStore,
} from './analytics-store.js';

/**
 * The analytics copy of a PostgreSQL installation: the `analytics_events` table beside the log, so
 * every server process reads one copy and the pipeline writes it in its batch's transaction.
 */
export function postgresAnalytics(
  db: Kysely<Database>,
): AnalyticsStore & { within(trx: Kysely<Database>): AnalyticsStore } {
  return new PostgresAnalyticsStore(db);
}

class PostgresAnalyticsStore implements AnalyticsStore {
  readonly dialect = 'postgres' as const;

  constructor(private readonly db: Kysely<Database>) {}

  /** The same store writing in the caller's transaction. */
  within(trx: Kysely<Database>): AnalyticsStore {
    return new PostgresAnalyticsStore(trx);
  }

  async append(rows: readonly AnalyticsEventRow[]): Promise<void> {
    if (rows.length === 0) return;
    // One statement for the batch, its rows passed as column arrays.
    await this.db.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO analytics_events (workspace_id, seq, profile_id, type, event, timestamp, source_id,
           properties, utm_source, utm_medium, utm_campaign)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamp[],
           $7::text[], $8::jsonb[], $9::text[], $10::text[], $11::text[])
         ON CONFLICT (workspace_id, seq) DO UPDATE SET profile_id = excluded.profile_id, type = excluded.type,
           event = excluded.event, timestamp = excluded.timestamp, source_id = excluded.source_id,
           properties = excluded.properties, utm_source = excluded.utm_source,
           utm_medium = excluded.utm_medium, utm_campaign = excluded.utm_campaign`,
        [
          rows.map((row) => row.workspaceId),
          rows.map((row) => row.seq),
          rows.map((row) => row.profileId),
          rows.map((row) => row.type),
          rows.map((row) => row.event),
          rows.map((row) => sqlTimestamp(row.timestamp)),
          rows.map((row) => row.sourceId),
          rows.map((row) => row.properties),
          rows.map((row) => row.utmSource),
          rows.map((row) => row.utmMedium),
          rows.map((row) => row.utmCampaign),
        ],
      ),
    );
  }

  async transaction<T>(work: (store: AnalyticsStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new PostgresAnalyticsStore(trx)));
  }

  async putPeople(rows: readonly AnalyticsPersonRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO analytics_people (workspace_id, profile_id, traits, computed_traits, audiences, updated_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::jsonb[], $6::timestamp[])
         ON CONFLICT (workspace_id, profile_id) DO UPDATE SET traits = excluded.traits,
           computed_traits = excluded.computed_traits, audiences = excluded.audiences,
           updated_at = excluded.updated_at`,
        [
          rows.map((row) => row.workspaceId),
          rows.map((row) => row.profileId),
          rows.map((row) => row.traits),
          rows.map((row) => row.computedTraits),
          rows.map((row) => row.audiences),
          rows.map((row) => sqlTimestamp(row.updatedAt)),
        ],
      ),
    );
  }

  async repoint(workspaceId: string, merges: readonly AnalyticsMerge[]): Promise<void> {
    if (merges.length === 0) return;
    const merged = merges.map((m) => m.mergedId);
    await this.db.executeQuery(
      CompiledQuery.raw(
        `UPDATE analytics_events e SET profile_id = m.survivor
         FROM unnest($2::text[], $3::text[]) AS m(merged, survivor)
         WHERE e.workspace_id = $1 AND e.profile_id = m.merged`,
        [workspaceId, merged, merges.map((m) => m.survivorId)],
      ),
    );
    await this.db.executeQuery(
      CompiledQuery.raw(
        'DELETE FROM analytics_people WHERE workspace_id = $1 AND profile_id = any($2::text[])',
        [workspaceId, merged],
      ),
    );
  }

  async removeProfiles(
    workspaceId: string,
    profileIds: readonly string[],
  ): Promise<{ events: number; people: number }> {
    if (profileIds.length === 0) return { events: 0, people: 0 };
    const ids = [...profileIds];
    const events = await this.db.executeQuery(
      CompiledQuery.raw(
        'DELETE FROM analytics_events WHERE workspace_id = $1 AND profile_id = any($2::text[])',
        [workspaceId, ids],
      ),
    );
    const people = await this.db.executeQuery(
      CompiledQuery.raw(
        'DELETE FROM analytics_people WHERE workspace_id = $1 AND profile_id = any($2::text[])',
        [workspaceId, ids],
      ),
    );
    return { events: Number(events.numAffectedRows ?? 0), people: Number(people.numAffectedRows ?? 0) };
  }

  async clear(): Promise<void> {
    await this.db.executeQuery(CompiledQuery.raw('DELETE FROM analytics_events'));
    await this.db.executeQuery(CompiledQuery.raw('DELETE FROM analytics_people'));
  }

  async query(
    sql: string,
    params: readonly (string | number | boolean | null)[] = [],
  ): Promise<AnalyticsRow[]> {
    const result = await this.db.executeQuery<AnalyticsRow>(CompiledQuery.raw(sql, [...params]));
    return result.rows.map(plainRow);
  }

  async execute(sql: string, params: readonly (string | number | boolean | null)[] = []): Promise<void> {
    await this.db.executeQuery(CompiledQuery.raw(sql, [...params]));
  }

  async close(): Promise<void> {
    // The store's connection pool belongs to the store.
  }
}

/** ISO 8601 UTC as a bare `timestamp` literal (the copy's timestamps are UTC). */
function sqlTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

/** Timestamps (pg's Date for `timestamp` columns, read in UTC) as ISO text, like the DuckDB copy. */
function plainRow(row: Record<string, unknown>): AnalyticsRow {
  const plain: AnalyticsRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) plain[key] = value.toISOString();
    else if (typeof value === 'bigint') plain[key] = Number(value);
    else if (value === undefined) plain[key] = null;
    else if (typeof value === 'object' && value !== null) plain[key] = JSON.stringify(value);
    else plain[key] = value as string | number | boolean | null;
  }
  return plain;
}
