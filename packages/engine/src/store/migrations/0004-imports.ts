import type { Migration } from './migration.js';

/** File imports (CSV / NDJSON) and their progress, so any process can report on them. */
export const imports: Migration = {
  name: '0004-imports',
  async up(db) {
    await db.schema
      .createTable('imports')
      .addColumn('import_id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('mapping', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('bytes_total', 'bigint', (c) => c.notNull())
      .addColumn('bytes_read', 'bigint', (c) => c.notNull())
      .addColumn('rows_read', 'integer', (c) => c.notNull())
      .addColumn('rows_stored', 'integer', (c) => c.notNull())
      .addColumn('rows_duplicate', 'integer', (c) => c.notNull())
      .addColumn('rows_rejected', 'integer', (c) => c.notNull())
      .addColumn('errors', 'text', (c) => c.notNull())
      .addColumn('failure', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema
      .createIndex('imports_by_workspace')
      .on('imports')
      .columns(['workspace_id', 'import_id'])
      .execute();
  },
};
