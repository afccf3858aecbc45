import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Access control: tokens that expire, invitations waiting for acceptance, one-time links
 * (invitations, password resets) stored as hashes, and sources Tandem itself writes (the
 * audiences source) told apart from the ones the Tracking API may write.
 */
export const accessControl: Migration = {
  name: '0007-access-control',
  async up(db) {
    await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();

    await db.schema
      .createTable('invitations')
      .addColumn('invitation_id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.workspace_id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text')
      // active: the membership exists already (the link only lets a new account set a password).
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('answered_at', 'text')
      .execute();
    await db.schema
      .createIndex('invitations_by_workspace')
      .on('invitations')
      .columns(['workspace_id', 'status', 'invitation_id'])
      .execute();
    await db.schema.createIndex('invitations_by_user').on('invitations').column('user_id').execute();

    // Links sent by email: only their hash is kept, each works once and expires.
    await db.schema
      .createTable('account_links')
      .addColumn('link_hash', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id'))
      .addColumn('invitation_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('account_links_by_user').on('account_links').column('user_id').execute();

    await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();

    await db.schema
      .alterTable('sources')
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('tracking'))
      .execute();
    await sql`update sources set kind = 'internal'
      where source_id in (select source_id from audience_settings)`.execute(db);
  },
};
