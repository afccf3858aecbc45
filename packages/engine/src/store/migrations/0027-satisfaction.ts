import type { Migration } from './migration.js';

/**
 * Service desk satisfaction and web forms: a CSAT survey per solve (an unguessable token, the
 * answer), tickets whose survey is skipped, and the website forms that open tickets.
 */
export const satisfaction: Migration = {
  name: '0027-satisfaction',
  async up(db) {
    await db.schema
      .createTable('csat_surveys')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('survey_id', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('ticket_number', 'integer', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('assignee_id', 'text')
      .addColumn('team_id', 'text')
      .addColumn('solved_at', 'text', (c) => c.notNull())
      .addColumn('delivery', 'text', (c) => c.notNull())
      .addColumn('delivery_error', 'text')
      .addColumn('score', 'integer')
      .addColumn('comment', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('csat_surveys_pk', ['workspace_id', 'survey_id'])
      .execute();
    // The public page finds a survey by its token alone.
    await db.schema
      .createIndex('csat_surveys_by_token')
      .on('csat_surveys')
      .column('token')
      .unique()
      .execute();
    // One survey per solve of a ticket.
    await db.schema
      .createIndex('csat_surveys_by_ticket')
      .on('csat_surveys')
      .columns(['workspace_id', 'ticket_id', 'solved_at'])
      .unique()
      .execute();
    await db.schema
      .createIndex('csat_surveys_by_answer')
      .on('csat_surveys')
      .columns(['workspace_id', 'answered_at'])
      .execute();

    await db.schema
      .createTable('csat_skipped_tickets')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('csat_skipped_tickets_pk', ['workspace_id', 'ticket_id'])
      .execute();

    await db.schema
      .createTable('web_forms')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('form_id', 'text', (c) => c.notNull())
      .addColumn('form_key', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text')
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('web_forms_pk', ['workspace_id', 'form_id'])
      .execute();
    // A website posts with the key alone.
    await db.schema.createIndex('web_forms_by_key').on('web_forms').column('form_key').unique().execute();
  },
};
