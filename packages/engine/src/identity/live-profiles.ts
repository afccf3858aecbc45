import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { chunksOf } from './identity-tables.js';

// Reads of identity's `profiles` table for other domains: whether a profile still exists, and
// whether it was merged away (its `merged_into`). Other domains' rows keep the profile id they
// were written under (so an unmerge gives each profile its own back); their reads follow merges
// from it to the live profile.

// Merge chains are followed for at most MAX_HOPS hops; liveProfilesOf looks up 500 ids a query.
const MAX_HOPS = 32;
const CHUNK = 500;

/**
 * Each of these ids that names a profile, with the profile it was merged into (null: live), in
 * the order the store returns them; ids of no profile (deleted) are absent. One hop: a merged-away
 * profile maps to its direct survivor, which may itself have been merged since.
 */
export async function mergedIntoOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, string | null>> {
  const mergedInto = new Map<string, string | null>();
  for (const chunk of chunksOf([...new Set(profileIds)])) {
    // merged_into is not filtered in SQL: with it there, SQLite scans every live profile of the
    // workspace by the merged_into index instead of looking these up by key.
    const rows = await db
      .selectFrom('profiles')
      .select(['profile_id', 'merged_into'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const row of rows) mergedInto.set(row.profile_id, row.merged_into);
  }
  return mergedInto;
}

/** Which of these ids are live profiles (not merged away, not deleted), each once. */
export async function liveProfilesAmong(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<string[]> {
  const live: string[] = [];
  for (const [profileId, mergedInto] of await mergedIntoOf(db, workspaceId, profileIds))
    if (mergedInto === null) live.push(profileId);
  return live;
}

/** A page of the workspace's live profiles in id order, after `after` (a keyset walk over all of them). */
export async function liveProfilesAfter(
  db: Kysely<Database>,
  page: { workspaceId: string; after: string; limit: number },
): Promise<string[]> {
  const rows = await db
    .selectFrom('profiles')
    .select('profile_id')
    .where('workspace_id', '=', page.workspaceId)
    .where('profile_id', '>', page.after)
    .where('merged_into', 'is', null)
    .orderBy('profile_id')
    .limit(page.limit)
    .execute();
  return rows.map((row) => row.profile_id);
}

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
    const next: string[] = [];
    for (const chunk of chunksOf(frontier)) {
      const rows = await db
        .selectFrom('profiles')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('merged_into', 'in', chunk)
        .execute();
      for (const row of rows) next.push(row.profile_id);
    }
    ids.push(...next);
    frontier = next;
  }
  return ids;
}
