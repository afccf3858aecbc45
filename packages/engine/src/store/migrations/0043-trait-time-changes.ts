import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Computed values that time alone changed (a bucket left its window) are flagged until the
 * delivery stage has sent them to destinations subscribed to traits: no event carries them.
 * A partial index keeps the flagged rows one short range away.
 */
export const traitTimeChanges: Migration = {
  name: '0043-trait-time-changes',
  async up(db) {
    await sql`ALTER TABLE computed_trait_values ADD COLUMN time_changed integer NOT NULL DEFAULT 0`.execute(
      db,
    );
    await sql`CREATE INDEX computed_trait_values_time_changed
      ON computed_trait_values (workspace_id, profile_id) WHERE time_changed = 1`.execute(db);
  },
};
