import type { Migration } from './migration.js';

/**
 * Email preferences and engagement (issue 17): subscription topics, people's subscription
 * changes (a history; the latest per topic counts), suppressed addresses, the frequency cap
 * setting and the log of sent email it counts, tracking keys, and opens / clicks / bounces.
 */
export const emailPreferences: Migration = {
  name: '0030-email-preferences',
  async up(db) {
    await db.schema
      .createTable('email_topics')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('topic_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('default_subscribed', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_topics_pk', ['workspace_id', 'topic_id'])
      .execute();

    await db.schema
      .createTable('email_subscription_changes')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('change_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('topic_id', 'text', (c) => c.notNull())
      .addColumn('subscribed', 'integer', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_subscription_changes_pk', ['workspace_id', 'change_id'])
      .execute();
    await db.schema
      .createIndex('email_subscription_changes_by_profile')
      .on('email_subscription_changes')
      .columns(['workspace_id', 'profile_id', 'at'])
      .execute();

    await db.schema
      .createTable('email_suppressions')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_suppressions_pk', ['workspace_id', 'address'])
      .execute();
    await db.schema
      .createIndex('email_suppressions_by_profile')
      .on('email_suppressions')
      .columns(['workspace_id', 'profile_id'])
      .execute();

    await db.schema
      .createTable('email_preference_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('frequency_cap', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('email_sends')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_sends_pk', ['workspace_id', 'message_id'])
      .execute();
    // The cap counts a person's marketing email in a window.
    await db.schema
      .createIndex('email_sends_by_profile')
      .on('email_sends')
      .columns(['workspace_id', 'profile_id', 'sent_at'])
      .execute();
    // A returned email names its message alone (the bounce address).
    await db.schema.createIndex('email_sends_by_message').on('email_sends').column('message_id').execute();

    await db.schema
      .createTable('email_tracking_keys')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('tracking_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('email_engagements')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('engagement_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('link_index', 'integer')
      .addColumn('url', 'text')
      .addColumn('machine', 'integer', (c) => c.notNull())
      .addColumn('machine_reason', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_engagements_pk', ['workspace_id', 'engagement_id'])
      .execute();
    await db.schema
      .createIndex('email_engagements_by_message')
      .on('email_engagements')
      .columns(['workspace_id', 'message_id', 'at'])
      .execute();
    await db.schema
      .createIndex('email_engagements_by_profile')
      .on('email_engagements')
      .columns(['workspace_id', 'profile_id'])
      .execute();
  },
};
