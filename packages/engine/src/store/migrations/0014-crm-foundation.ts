import type { Migration } from './migration.js';

/**
 * The CRM's shared ground: per-workspace settings (with the internal source its events are
 * appended under) and the audit trail of every CRM write (who, when, before / after).
 */
export const crmFoundation: Migration = {
  name: '0014-crm-foundation',
  async up(db) {
    await db.schema
      .createTable('crm_settings')
      .addColumn('workspace_id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('crm_audit')
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('audit_id', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text')
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crm_audit_pk', ['workspace_id', 'audit_id'])
      .execute();
    await db.schema
      .createIndex('crm_audit_by_entity')
      .on('crm_audit')
      .columns(['workspace_id', 'entity_type', 'entity_id', 'audit_id'])
      .execute();
    // A person's audit entries are found to be exported or erased with their profile.
    await db.schema
      .createIndex('crm_audit_by_profile')
      .on('crm_audit')
      .columns(['workspace_id', 'profile_id'])
      .execute();
  },
};
