import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Email sending (issue 17): templates (MJML + Liquid), the queue of messages every journey,
 * broadcast and sequence sends through (with their engagement columns for reports), broadcasts,
 * and each workspace's sending settings (from address, rate, hourly cap).
 */
export const emailSending: Migration = {
  name: '0029-email-sending',
  async up(db) {
    await db.schema
      .createTable('email_templates')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('template_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('mjml', 'text', (c) => c.notNull())
      .addColumn('text_part', 'text')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('topic_id', 'text')
      .addColumn('from_name', 'text')
      .addColumn('from_address', 'text')
      .addColumn('reply_to', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_templates_pk', ['workspace_id', 'template_id'])
      .execute();

    await db.schema
      .createTable('email_messages')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('template_id', 'text', (c) => c.notNull())
      .addColumn('origin_kind', 'text', (c) => c.notNull())
      .addColumn('origin_id', 'text', (c) => c.notNull())
      .addColumn('origin_step', 'text')
      .addColumn('origin_run', 'text')
      .addColumn('category', 'text')
      .addColumn('topic_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('to_address', 'text')
      .addColumn('subject', 'text')
      .addColumn('not_before', 'text', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('event', 'text')
      .addColumn('headers', 'text')
      .addColumn('over_cap', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('relay_response', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('bounced_at', 'text')
      .addColumn('opened_at', 'text')
      .addColumn('clicked_at', 'text')
      .addColumn('unsubscribed_at', 'text')
      .addColumn('machine_open', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_messages_pk', ['workspace_id', 'message_id'])
      .execute();
    // The sender claims due queued messages: a short range of this partial index per pass.
    await sql`CREATE INDEX email_messages_due ON email_messages (next_attempt_at) WHERE status = 'queued'`.execute(
      db,
    );
    // Messages whose sender stopped mid-send (a crash): their lease runs out, they are sent again.
    await sql`CREATE INDEX email_messages_sending ON email_messages (next_attempt_at) WHERE status = 'sending'`.execute(
      db,
    );
    // Reports count by origin (a broadcast, a journey's steps); a broadcast is done when none of
    // its messages is queued or sending any more.
    await db.schema
      .createIndex('email_messages_by_origin')
      .on('email_messages')
      .columns(['workspace_id', 'origin_kind', 'origin_id', 'status'])
      .execute();
    // Privacy export / deletion and merges find a person's messages.
    await db.schema
      .createIndex('email_messages_by_profile')
      .on('email_messages')
      .columns(['workspace_id', 'profile_id'])
      .execute();
    // The hourly cap counts a workspace's recent sends.
    await db.schema
      .createIndex('email_messages_by_sent')
      .on('email_messages')
      .columns(['workspace_id', 'sent_at'])
      .execute();

    await db.schema
      .createTable('broadcasts')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('broadcast_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('template_id', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('send_at', 'text')
      .addColumn('per_minute', 'integer')
      .addColumn('recipients', 'integer', (c) => c.notNull())
      /** Where queuing resumes after a restart: the last profile id queued (audience members by id). */
      .addColumn('cursor', 'text')
      /** When every member had been queued (the broadcast is sent once none of its messages waits). */
      .addColumn('queued_at', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addPrimaryKeyConstraint('broadcasts_pk', ['workspace_id', 'broadcast_id'])
      .execute();
    await sql`CREATE INDEX broadcasts_due ON broadcasts (send_at) WHERE status IN ('scheduled', 'sending')`.execute(
      db,
    );

    await db.schema
      .createTable('email_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('from_address', 'text')
      .addColumn('from_name', 'text')
      .addColumn('per_second', 'integer')
      .addColumn('per_hour', 'integer')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
