import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Empties traits and company memberships of every workspace before a replay of the log
 * rebuilds them. Companies are kept: their ids stay stable (the CRM will reference them).
 */
export async function resetProfileProjections(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('profile_traits').execute();
  await db.deleteFrom('company_members').execute();
}
