import type { Migration } from './migration.js';

/**
 * The audit log and retention (issue 18). Audit entries form a hash chain per workspace: the
 * entries hold no personal data, only a digest of their content, which lives in its own table
 * (keyed by entry and profile) so that a privacy deletion erases it without breaking the chain.
 * The head row per workspace serializes appends across processes. Retention keeps policies by
 * kind (and event name) and a report of each run.
 */
export const auditLogRetention: Migration = {
  name: '0034-audit-log-retention',
  async up(db) {
    await db.schema
      .createTable('audit_entries')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('entry_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('content_digest', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_entries_pk', ['workspace_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_entries_by_actor')
      .on('audit_entries')
      .columns(['workspace_id', 'actor_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_entries_by_time')
      .on('audit_entries')
      .columns(['workspace_id', 'at'])
      .execute();
    await db.schema
      .createTable('audit_contents')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('profile_id', 'text')
      // Exact JSON text the digest was taken of; null once erased.
      .addColumn('content', 'text')
      .addColumn('erased_at', 'text')
      .addPrimaryKeyConstraint('audit_contents_pk', ['workspace_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_contents_by_profile')
      .on('audit_contents')
      .columns(['workspace_id', 'profile_id', 'seq'])
      .execute();
    await db.schema
      .createTable('audit_heads')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      // Entries up to anchor_seq were removed by retention; the chain verifies from anchor_hash.
      .addColumn('anchor_seq', 'integer', (c) => c.notNull())
      .addColumn('anchor_hash', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('retention_policies')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      // The event name for kind `events` ('' is every event without a policy of its own).
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('days', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('retention_policies_pk', ['workspace_id', 'kind', 'event_name'])
      .execute();
    await db.schema
      .createTable('retention_runs')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('removed', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('retention_runs_pk', ['workspace_id', 'run_id'])
      .execute();
    // Retention finds old events and activities by time, a small batch at a time.
    await db.schema
      .createIndex('events_by_workspace_time')
      .on('events')
      .columns(['workspace_id', 'timestamp'])
      .execute();
    await db.schema
      .createIndex('crm_activities_by_occurred')
      .on('crm_activities')
      .columns(['workspace_id', 'occurred_at'])
      .execute();
  },
};
