import type { Migration } from './migration.js';

/** Computed traits, audiences, their memberships and the scheduler's due times. */
export const audiences: Migration = {
  name: '0005-audiences',
  async up(db) {
    await db.schema
      .createTable('computed_traits')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('trait_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('computed_traits_pk', ['workspace_id', 'trait_id'])
      .execute();
    await db.schema
      .createIndex('computed_traits_by_name')
      .unique()
      .on('computed_traits')
      .columns(['workspace_id', 'name'])
      .execute();

    // Per profile and trait: the mergeable partial aggregates (time buckets for a window), the
    // current value as JSON text, and when the oldest bucket leaves the window.
    await db.schema
      .createTable('computed_trait_values')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('trait_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addPrimaryKeyConstraint('computed_trait_values_pk', ['workspace_id', 'trait_id', 'profile_id'])
      .execute();
    await db.schema
      .createIndex('computed_trait_values_by_expiry')
      .on('computed_trait_values')
      .column('expires_at')
      .execute();
    await db.schema
      .createIndex('computed_trait_values_by_profile')
      .on('computed_trait_values')
      .columns(['workspace_id', 'profile_id'])
      .execute();

    await db.schema
      .createTable('audiences')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audiences_pk', ['workspace_id', 'audience_id'])
      .execute();

    // One row per profile that ever entered: exited_at is null while a member.
    await db.schema
      .createTable('audience_members')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('entered_at', 'text', (c) => c.notNull())
      .addColumn('exited_at', 'text')
      .addPrimaryKeyConstraint('audience_members_pk', ['workspace_id', 'audience_id', 'profile_id'])
      .execute();
    await db.schema
      .createIndex('audience_members_by_profile')
      .on('audience_members')
      .columns(['workspace_id', 'profile_id'])
      .execute();

    // The next moment a profile's membership could flip without a new event (a window edge).
    await db.schema
      .createTable('audience_rechecks')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audience_rechecks_pk', ['workspace_id', 'audience_id', 'profile_id'])
      .execute();
    await db.schema
      .createIndex('audience_rechecks_by_due')
      .on('audience_rechecks')
      .column('due_at')
      .execute();

    // The internal source that Audience Entered / Exited events are appended under.
    await db.schema
      .createTable('audience_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .execute();

    // Event conditions read a workspace's events by name and time: a read index on identity's table.
    await db.schema
      .createIndex('profile_events_by_name')
      .on('profile_events')
      .columns(['workspace_id', 'event', 'timestamp', 'profile_id'])
      .execute();
  },
};
