import type { Migration } from './migration.js';

/**
 * A person's marketing slot (issue 17): the one marketing email to them that a sender has decided
 * and not yet recorded. Several processes sending from one PostgreSQL database take it before the
 * frequency cap is checked, so two of them never both pass the cap for the same person. A row
 * outlives a process killed mid-send only until `expires_at`.
 */
export const emailMarketingSlots: Migration = {
  name: '0045-email-marketing-slots',
  async up(db) {
    await db.schema
      .createTable('email_marketing_slots')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      // The live profile the message goes to (a merged-away profile's mail takes its survivor's slot).
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('email_marketing_slots_pk', ['workspace_id', 'profile_id'])
      .execute();
  },
};
