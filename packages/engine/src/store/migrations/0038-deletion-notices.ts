import type { Migration } from './migration.js';

/**
 * Deletion notices: each destination that received an erased person is told through its transport,
 * and what it answered is kept here. No identifier of the person: a keyed hash finds the notices
 * of one erasure again. Deliveries get an index by person, for erasures and exports.
 */
export const deletionNotices: Migration = {
  name: '0038-deletion-notices',
  async up(db) {
    await db.schema
      .createTable('destination_deletion_notices')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('notice_id', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('person_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addColumn('answered_at', 'text')
      .addPrimaryKeyConstraint('destination_deletion_notices_pk', ['workspace_id', 'notice_id'])
      .execute();
    await db.schema
      .createIndex('destination_deletion_notices_by_person')
      .on('destination_deletion_notices')
      .columns(['workspace_id', 'person_key'])
      .execute();
    await db.schema
      .createIndex('deliveries_by_person')
      .on('deliveries')
      .columns(['workspace_id', 'profile_id'])
      .execute();
  },
};
