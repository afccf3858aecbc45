import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * The analytics copy of the event log and its people on PostgreSQL (insights/). Embedded installs keep it in
 * DuckDB instead, so SQLite stores get no table. Timestamps are UTC `timestamp`s, so day and week
 * buckets mean the same on both copies.
 */
export const analyticsEvents: Migration = {
  name: '0039-analytics-events',
  async up(db, kind) {
    if (kind !== 'postgres') return;
    await sql`CREATE TABLE analytics_events (
      workspace_id text NOT NULL,
      seq bigint NOT NULL,
      profile_id text NOT NULL,
      type text NOT NULL,
      event text NOT NULL,
      timestamp timestamp NOT NULL,
      source_id text NOT NULL,
      properties jsonb,
      utm_source text,
      utm_medium text,
      utm_campaign text,
      PRIMARY KEY (workspace_id, seq)
    )`.execute(db);
    await sql`CREATE INDEX analytics_events_by_event ON analytics_events (workspace_id, event, timestamp)`.execute(
      db,
    );
    await sql`CREATE INDEX analytics_events_by_profile ON analytics_events (workspace_id, profile_id, timestamp)`.execute(
      db,
    );
    // Each person's current traits, computed traits and audiences, for person filters and breakdowns.
    await sql`CREATE TABLE analytics_people (
      workspace_id text NOT NULL,
      profile_id text NOT NULL,
      traits jsonb NOT NULL,
      computed_traits jsonb NOT NULL,
      audiences jsonb NOT NULL,
      updated_at timestamp NOT NULL,
      PRIMARY KEY (workspace_id, profile_id)
    )`.execute(db);
  },
};
