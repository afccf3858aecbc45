import type { Migration } from './migration.js';

/**
 * Deal imports: the kind of rows an import writes (Segment calls, or deals), and the key a
 * deal import's `externalId` column names a deal by, so running the same file again updates
 * the deals it made instead of adding them twice.
 */
export const dealImports: Migration = {
  name: '0022-deal-imports',
  async up(db) {
    await db.schema.alterTable('imports').addColumn('type', 'text').execute();
    await db.schema
      .createTable('crm_deal_external_ids')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('deal_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_deal_external_ids_pk', ['workspace_id', 'external_id'])
      .execute();
  },
};
