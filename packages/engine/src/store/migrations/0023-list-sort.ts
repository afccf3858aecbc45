import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Indexes the CRM lists sort by on the server (a list's key, then its id: a sorted page is an
 * index range; names without regard to case). A trait (a person's name) is sorted without one: see docs/search-and-views.md.
 */
export const listSort: Migration = {
  name: '0023-list-sort',
  async up(db) {
    const indexes: [string, 'profiles' | 'companies' | 'crm_deals', string, string][] = [
      ['profiles_by_created', 'profiles', 'created_at', 'profile_id'],
      ['profiles_by_updated', 'profiles', 'updated_at', 'profile_id'],
      ['companies_by_created', 'companies', 'created_at', 'company_id'],
      ['companies_by_updated', 'companies', 'updated_at', 'company_id'],
      ['crm_deals_by_amount', 'crm_deals', 'amount', 'deal_id'],
      ['crm_deals_by_created', 'crm_deals', 'created_at', 'deal_id'],
      ['crm_deals_by_updated', 'crm_deals', 'updated_at', 'deal_id'],
    ];
    for (const [name, table, key, id] of indexes) {
      await db.schema.createIndex(name).on(table).columns(['workspace_id', key, id]).execute();
    }
    await sql`CREATE INDEX companies_by_sort_name ON companies (workspace_id, lower(name), company_id)`.execute(
      db,
    );
    await sql`CREATE INDEX crm_deals_by_sort_name ON crm_deals (workspace_id, lower(name), deal_id)`.execute(
      db,
    );
  },
};
