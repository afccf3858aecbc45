import { sql } from 'kysely';
import { lowerJsonMemberSql } from '../prefix-lookup.js';
import type { Migration } from './migration.js';

/**
 * Saved views of the CRM lists (a user's own, or shared with the workspace), and the indexes
 * global search probes companies by: their name and `domain` trait, lower-cased.
 */
export const savedViews: Migration = {
  name: '0018-saved-views',
  async up(db, kind) {
    await db.schema
      .createTable('saved_views')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('view_id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('shared', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('saved_views_pk', ['workspace_id', 'view_id'])
      .execute();
    await db.schema
      .createIndex('saved_views_by_entity')
      .on('saved_views')
      .columns(['workspace_id', 'entity', 'owner_id'])
      .execute();

    await sql`CREATE INDEX companies_by_search_name ON companies (workspace_id, lower(name))`.execute(db);
    const domain = lowerJsonMemberSql(kind, 'traits', 'domain');
    await sql`CREATE INDEX companies_by_search_domain ON companies (workspace_id, ${domain})`.execute(db);
  },
};
