import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Empties the identity graph of every workspace before a replay of the log rebuilds it. Kept:
 * identity settings and separations (an admin's decisions, which the replay applies).
 */
export async function resetIdentityGraph(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('profiles').execute();
  await db.deleteFrom('profile_identifiers').execute();
  await db.deleteFrom('profile_events').execute();
  await db.deleteFrom('profile_merges').execute();
  await db.deleteFrom('identifier_rejections').execute();
}
