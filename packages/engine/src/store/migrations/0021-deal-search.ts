import { sql } from 'kysely';
import type { Migration } from './migration.js';

/** The index global search probes deals by: their name, lower-cased (as companies' in 0018). */
export const dealSearch: Migration = {
  name: '0021-deal-search',
  async up(db) {
    await sql`CREATE INDEX crm_deals_by_search_name ON crm_deals (workspace_id, lower(name))`.execute(db);
  },
};
