import type { Migration } from './migration.js';

/**
 * Tracking plans (one per source: a JSON Schema per track event and one for identify traits) and
 * their violations, counted per source, call type, event and violation type with a few recent
 * samples. Samples keep no property values: only where and what broke.
 */
export const trackingPlans: Migration = {
  name: '0035-tracking-plans',
  async up(db) {
    await db.schema
      .createTable('tracking_plans')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('forward_violations', 'integer', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('identify', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tracking_plans_pk', ['workspace_id', 'source_id'])
      .execute();
    await db.schema
      .createTable('tracking_plan_violations')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('call_type', 'text', (c) => c.notNull())
      // '' for identify calls: the key needs a value.
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('violation_type', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('samples', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tracking_plan_violations_pk', [
        'workspace_id',
        'source_id',
        'call_type',
        'event_name',
        'violation_type',
      ])
      .execute();
  },
};
