import type { Migration } from './migration.js';

/**
 * PII controls (issue 18): per workspace, the fields marked personal, each role's allowlist of
 * personal fields it sees unmasked, and the destinations that receive personal data unmasked.
 * A workspace without a row uses the defaults (email, phone, name, address).
 */
export const piiSettings: Migration = {
  name: '0037-pii-settings',
  async up(db) {
    await db.schema
      .createTable('pii_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('personal_fields', 'text', (c) => c.notNull())
      .addColumn('role_allowlists', 'text', (c) => c.notNull())
      .addColumn('unmasked_destinations', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
