import type { Migration } from './migration.js';

/**
 * The service desk's email channel: mailboxes (an address that opens tickets, mapped to a team)
 * and every email in or out of a ticket, by its RFC Message-ID (threading), its ticket's reply
 * token (the plus address), and for outbound replies their delivery status.
 */
export const deskEmail: Migration = {
  name: '0026-desk-email',
  async up(db) {
    await db.schema
      .createTable('mailboxes')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('mailbox_id', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mailboxes_pk', ['workspace_id', 'mailbox_id'])
      .execute();
    // Mail is routed by address before any workspace is known: an address belongs to one mailbox.
    await db.schema.createIndex('mailboxes_by_address').on('mailboxes').column('address').unique().execute();

    await db.schema
      .createTable('ticket_emails')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('email_id', 'text', (c) => c.notNull())
      .addColumn('mailbox_id', 'text')
      .addColumn('ticket_id', 'text')
      .addColumn('ticket_message_id', 'text')
      .addColumn('rfc_message_id', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('reply_token', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('payload', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_emails_pk', ['workspace_id', 'email_id'])
      .execute();
    await db.schema
      .createIndex('ticket_emails_by_rfc_id')
      .on('ticket_emails')
      .columns(['workspace_id', 'rfc_message_id'])
      .execute();
    await db.schema
      .createIndex('ticket_emails_by_ticket')
      .on('ticket_emails')
      .columns(['workspace_id', 'ticket_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('ticket_emails_by_message')
      .on('ticket_emails')
      .columns(['workspace_id', 'ticket_message_id'])
      .execute();
    await db.schema
      .createIndex('ticket_emails_recent')
      .on('ticket_emails')
      .columns(['workspace_id', 'direction', 'created_at'])
      .execute();
    await db.schema.createIndex('ticket_emails_by_token').on('ticket_emails').column('reply_token').execute();
    await db.schema
      .createIndex('ticket_emails_due')
      .on('ticket_emails')
      .columns(['status', 'next_attempt_at'])
      .execute();
  },
};
