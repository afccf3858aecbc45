import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

// Rows keep the profile id they were written under (so an unmerge gives each profile its own
// back); reads follow merges from it to the live profile. Read-only use of identity's
// `profiles` table, as audiences and lead scoring do.

const MAX_HOPS = 20;
const CHUNK = 500;

/** The live profile each id now is (merge chains followed); ids of no profile are left out. */
export async function liveProfilesOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, string>> {
  const live = new Map<string, string>();
  // Each id's current hop, until it reaches a profile that is not merged.
  let pending = new Map<string, string[]>();
  for (const id of new Set(profileIds)) pending.set(id, [id]);
  for (let hop = 0; hop < MAX_HOPS && pending.size > 0; hop++) {
    const next = new Map<string, string[]>();
    const ids = [...pending.keys()];
    for (let at = 0; at < ids.length; at += CHUNK) {
      const rows = await db
        .selectFrom('profiles')
        .select(['profile_id', 'merged_into'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', ids.slice(at, at + CHUNK))
        .execute();
      for (const row of rows) {
        const origins = pending.get(row.profile_id) ?? [];
        if (row.merged_into === null) for (const origin of origins) live.set(origin, row.profile_id);
        else next.set(row.merged_into, [...(next.get(row.merged_into) ?? []), ...origins]);
      }
    }
    pending = next;
  }
  return live;
}

/** A live profile and every id merged into it, down chains: the ids its rows may be kept under. */
export async function idsOfPerson(
  db: Kysely<Database>,
  workspaceId: string,
  liveId: string,
): Promise<string[]> {
  const ids = [liveId];
  let frontier = [liveId];
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const rows = await db
      .selectFrom('profiles')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'in', frontier)
      .execute();
    frontier = rows.map((row) => row.profile_id);
    ids.push(...frontier);
  }
  return ids;
}
