import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Computed values that time alone changed are flagged for the analytics copy too, apart from
 * the delivery stage's flag: each consumer takes and clears its own. A partial index, as 0043's.
 */
export const analyticsTimeChanges: Migration = {
  name: '0046-analytics-time-changes',
  async up(db) {
    await sql`ALTER TABLE computed_trait_values ADD COLUMN analytics_time_changed integer NOT NULL DEFAULT 0`.execute(
      db,
    );
    await sql`CREATE INDEX computed_trait_values_analytics_time_changed
      ON computed_trait_values (workspace_id, profile_id) WHERE analytics_time_changed = 1`.execute(db);
  },
};
