import type { Migration } from './migration.js';

/**
 * Audience trait conditions read one trait of every profile (`plan = 'pro'`): by name (and, for
 * equality, by the value's JSON text), not a scan of every trait of every profile. Covering: the
 * profile id comes from the index.
 */
export const traitConditions: Migration = {
  name: '0006-trait-conditions',
  async up(db) {
    await db.schema
      .createIndex('profile_traits_by_name')
      .on('profile_traits')
      .columns(['workspace_id', 'name', 'value', 'profile_id'])
      .execute();
  },
};
