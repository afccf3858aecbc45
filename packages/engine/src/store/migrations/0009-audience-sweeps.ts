import type { Migration } from './migration.js';

/**
 * Time-driven audience re-checks swept by window: per audience whose rule time alone can flip,
 * the moment up to which its window edges have been swept. Replaces a due-time row per profile
 * and audience (at 1M profiles, most of what creating an audience wrote).
 */
export const audienceSweeps: Migration = {
  name: '0009-audience-sweeps',
  async up(db) {
    await db.schema
      .createTable('audience_sweeps')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text', (c) => c.notNull())
      .addColumn('swept_to', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audience_sweeps_pk', ['workspace_id', 'audience_id'])
      .execute();
    await db.schema.dropTable('audience_rechecks').execute();
  },
};
