import type { Migration } from './migration.js';

/** Saved insights, dashboards and their tiles (queries only: no personal data). */
export const savedInsights: Migration = {
  name: '0041-saved-insights',
  async up(db) {
    await db.schema
      .createTable('saved_insights')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('insight_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('chart', 'text', (c) => c.notNull())
      .addColumn('range', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('saved_insights_pk', ['workspace_id', 'insight_id'])
      .execute();
    await db.schema
      .createTable('dashboards')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('dashboard_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('dashboards_pk', ['workspace_id', 'dashboard_id'])
      .execute();
    await db.schema
      .createTable('dashboard_tiles')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('tile_id', 'text', (c) => c.notNull())
      .addColumn('dashboard_id', 'text', (c) => c.notNull())
      .addColumn('insight_id', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('dashboard_tiles_pk', ['workspace_id', 'tile_id'])
      .execute();
    await db.schema
      .createIndex('dashboard_tiles_by_dashboard')
      .on('dashboard_tiles')
      .columns(['workspace_id', 'dashboard_id', 'position'])
      .execute();
    // Deleting an insight finds its tiles on every dashboard.
    await db.schema
      .createIndex('dashboard_tiles_by_insight')
      .on('dashboard_tiles')
      .columns(['workspace_id', 'insight_id'])
      .execute();
  },
};
