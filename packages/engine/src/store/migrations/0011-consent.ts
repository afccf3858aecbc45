import type { Migration } from './migration.js';

/**
 * Consent: the workspace's purposes and default, every decision a person made (history, with
 * its source), and each profile's current state per purpose (the latest decision).
 */
export const consent: Migration = {
  name: '0011-consent',
  async up(db) {
    // Absent row: the workspace still uses the built-in purposes and default (seeded on first write).
    await db.schema
      .createTable('consent_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('default_mode', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('consent_purposes')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('purpose_key', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      // null: follows the workspace's default.
      .addColumn('default_mode', 'text')
      .addColumn('aliases', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('consent_purposes_pk', ['workspace_id', 'purpose_key'])
      .execute();

    // One row per decision: `profile_id` is the live profile it counts for now, `origin_profile_id`
    // the one it was recorded for (an unmerge sends API decisions back to it).
    await db.schema
      .createTable('consent_decisions')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('origin_profile_id', 'text', (c) => c.notNull())
      // The category as received; `purpose` is the purpose it maps to (null: unknown, history only).
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text')
      .addColumn('granted', 'integer', (c) => c.notNull())
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('source_kind', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text')
      .addColumn('principal', 'text')
      .addColumn('event_id', 'text')
      .addColumn('seq', 'bigint')
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('consent_decisions_pk', ['workspace_id', 'decision_id'])
      .execute();
    await db.schema
      .createIndex('consent_decisions_by_profile')
      .on('consent_decisions')
      .columns(['workspace_id', 'profile_id', 'decided_at'])
      .execute();
    await db.schema
      .createIndex('consent_decisions_by_origin')
      .on('consent_decisions')
      .columns(['workspace_id', 'origin_profile_id'])
      .execute();

    await db.schema
      .createTable('consent_states')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('granted', 'integer', (c) => c.notNull())
      // When the latest decision (or event confirming it) was made: an older one never overrides it.
      .addColumn('decided_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('consent_states_pk', ['workspace_id', 'profile_id', 'purpose'])
      .execute();
  },
};
