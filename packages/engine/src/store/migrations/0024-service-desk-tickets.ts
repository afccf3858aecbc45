import type { Migration } from './migration.js';

/**
 * Service desk tickets: a per-workspace counter for ticket numbers, tickets (the inbox reads
 * them through indexes led by workspace, status / assignee / team, then `updated_at`), their
 * conversation (public replies and internal notes), attachments (bytes as base64 text, capped),
 * tags, links to deals, every status change (the SLA clock's history) and canned replies.
 */
export const serviceDeskTickets: Migration = {
  name: '0024-service-desk-tickets',
  async up(db) {
    await db.schema
      .createTable('ticket_counters')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('last_number', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tickets')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('type', 'text')
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('requester_email', 'text')
      .addColumn('company_id', 'text')
      .addColumn('assignee_id', 'text')
      .addColumn('team_id', 'text')
      // JSON text of the tags (the inbox shows them without a join; ticket_tags is the index).
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      // JSON text: addresses copied on the ticket by email (they may reply into it).
      .addColumn('cc', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('mailbox_id', 'text')
      .addColumn('merged_into', 'text')
      .addColumn('first_response_at', 'text')
      .addColumn('solved_at', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tickets_pk', ['workspace_id', 'ticket_id'])
      .execute();
    await db.schema
      .createIndex('tickets_by_number')
      .on('tickets')
      .columns(['workspace_id', 'number'])
      .unique()
      .execute();
    // The inbox's views: newest activity first, one page at a time, at any size.
    await db.schema
      .createIndex('tickets_by_updated')
      .on('tickets')
      .columns(['workspace_id', 'updated_at', 'ticket_id'])
      .execute();
    await db.schema
      .createIndex('tickets_by_status')
      .on('tickets')
      .columns(['workspace_id', 'status', 'updated_at', 'ticket_id'])
      .execute();
    await db.schema
      .createIndex('tickets_by_assignee')
      .on('tickets')
      .columns(['workspace_id', 'assignee_id', 'status', 'updated_at', 'ticket_id'])
      .execute();
    await db.schema
      .createIndex('tickets_by_team')
      .on('tickets')
      .columns(['workspace_id', 'team_id', 'status', 'updated_at', 'ticket_id'])
      .execute();
    // A person's other tickets (the customer sidebar), and erasure with their profile.
    await db.schema
      .createIndex('tickets_by_profile')
      .on('tickets')
      .columns(['workspace_id', 'profile_id', 'updated_at', 'ticket_id'])
      .execute();

    await db.schema
      .createTable('ticket_messages')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('public', 'integer', (c) => c.notNull())
      // requester | agent
      .addColumn('author_type', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text')
      .addColumn('author_email', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('html', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_messages_pk', ['workspace_id', 'message_id'])
      .execute();
    await db.schema
      .createIndex('ticket_messages_by_ticket')
      .on('ticket_messages')
      .columns(['workspace_id', 'ticket_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('ticket_attachments')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('attachment_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_attachments_pk', ['workspace_id', 'attachment_id'])
      .execute();
    await db.schema
      .createIndex('ticket_attachments_by_ticket')
      .on('ticket_attachments')
      .columns(['workspace_id', 'ticket_id', 'message_id'])
      .execute();

    await db.schema
      .createTable('ticket_tags')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('tag', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_tags_pk', ['workspace_id', 'ticket_id', 'tag'])
      .execute();
    await db.schema
      .createIndex('ticket_tags_by_tag')
      .on('ticket_tags')
      .columns(['workspace_id', 'tag', 'ticket_id'])
      .execute();

    await db.schema
      .createTable('ticket_deals')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('deal_id', 'text', (c) => c.notNull())
      .addColumn('linked_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_deals_pk', ['workspace_id', 'ticket_id', 'deal_id'])
      .execute();
    await db.schema
      .createIndex('ticket_deals_by_deal')
      .on('ticket_deals')
      .columns(['workspace_id', 'deal_id'])
      .execute();

    await db.schema
      .createTable('ticket_status_changes')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('change_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_status_changes_pk', ['workspace_id', 'change_id'])
      .execute();
    await db.schema
      .createIndex('ticket_status_changes_by_ticket')
      .on('ticket_status_changes')
      .columns(['workspace_id', 'ticket_id', 'change_id'])
      .execute();

    await db.schema
      .createTable('ticket_canned_replies')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('canned_reply_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_canned_replies_pk', ['workspace_id', 'canned_reply_id'])
      .execute();
  },
};
