import type { Migration } from './migration.js';

/**
 * Audience files of `audience-file` destinations: one row per file (a full export, or the
 * additions / removals of an hour), and the rendered lines of each, keyed so that a retried
 * delivery adds no second line.
 */
export const audienceFiles: Migration = {
  name: '0013-audience-files',
  async up(db) {
    await db.schema
      .createTable('audience_files')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text', (c) => c.notNull())
      .addColumn('audience_name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('path', 'text')
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audience_files_pk', ['workspace_id', 'file_id'])
      .execute();
    await db.schema
      .createIndex('audience_files_by_bucket')
      .unique()
      .on('audience_files')
      .columns(['workspace_id', 'destination_id', 'audience_id', 'kind', 'bucket'])
      .execute();
    await db.schema
      .createTable('audience_file_rows')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('row_key', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull())
      .addColumn('line', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audience_file_rows_pk', ['workspace_id', 'file_id', 'row_key'])
      .execute();
    // A person's lines are found to be erased with their profile.
    await db.schema
      .createIndex('audience_file_rows_by_profile')
      .on('audience_file_rows')
      .columns(['workspace_id', 'profile_id'])
      .execute();
  },
};
