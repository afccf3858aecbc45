import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Tables that are projections of the log, emptied by a rebuild. Kept: identity settings and
 * separations (an admin's decisions, which the replay applies), and companies (their ids stay
 * stable; the CRM will reference them), whose memberships are rebuilt.
 */
const PROJECTIONS = [
  'profiles',
  'profile_identifiers',
  'profile_events',
  'profile_merges',
  'profile_traits',
  'identifier_rejections',
  'company_members',
] as const;

export async function rebuildProjections(db: Kysely<Database>): Promise<void> {
  for (const table of PROJECTIONS) await db.deleteFrom(table).execute();
}
