import type { Kysely } from 'kysely';
import { AppError } from '../errors/index.js';
import { idsOfPerson, liveProfilesOf } from '../identity/index.js';
import { type Database, nowIso } from '../store/index.js';

const CHUNK = 500;

async function requireList(db: Kysely<Database>, workspaceId: string, listId: string): Promise<void> {
  const found = await db
    .selectFrom('static_lists')
    .select('list_id')
    .where('workspace_id', '=', workspaceId)
    .where('list_id', '=', listId)
    .executeTakeFirst();
  if (!found)
    throw new AppError('not_found', `List ${listId} not found`, {
      details: [{ path: 'listId', message: 'no such list' }],
    });
}

/**
 * Adds people to a static list in the caller's transaction (a journey's `list` step, the API);
 * people already on it (under any of their merged ids) stay as they are. Returns how many were
 * added; ids of no profile are skipped.
 */
export async function addToList(
  db: Kysely<Database>,
  workspaceId: string,
  listId: string,
  profileIds: readonly string[],
  addedBy: string | null = null,
): Promise<number> {
  await requireList(db, workspaceId, listId);
  const live = await liveProfilesOf(db, workspaceId, profileIds);
  const wanted = [...new Set(live.values())];
  if (wanted.length === 0) return 0;
  const present = new Set((await membersAmong(db, workspaceId, listId, wanted)).values());
  const now = nowIso();
  const rows = wanted
    .filter((profileId) => !present.has(profileId))
    .map((profileId) => ({
      workspace_id: workspaceId,
      list_id: listId,
      profile_id: profileId,
      added_by: addedBy,
      added_at: now,
    }));
  for (let at = 0; at < rows.length; at += CHUNK) {
    await db
      .insertInto('static_list_members')
      .values(rows.slice(at, at + CHUNK))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return rows.length;
}

/** Removes people (every id merged into them too) from a static list in the caller's transaction. */
export async function removeFromList(
  db: Kysely<Database>,
  workspaceId: string,
  listId: string,
  profileIds: readonly string[],
): Promise<number> {
  await requireList(db, workspaceId, listId);
  const live = new Set((await liveProfilesOf(db, workspaceId, profileIds)).values());
  let removed = 0;
  for (const liveId of live) {
    const ids = await idsOfPerson(db, workspaceId, liveId);
    const result = await db
      .deleteFrom('static_list_members')
      .where('workspace_id', '=', workspaceId)
      .where('list_id', '=', listId)
      .where('profile_id', 'in', ids)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) removed += 1;
  }
  return removed;
}

/** The ids of the lists a person is on (rows under any of their merged ids). */
export async function listIdsOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
): Promise<string[]> {
  const liveId = (await liveProfilesOf(db, workspaceId, [profileId])).get(profileId) ?? profileId;
  const ids = await idsOfPerson(db, workspaceId, liveId);
  const rows = await db
    .selectFrom('static_list_members')
    .select('list_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', ids)
    .orderBy('list_id')
    .execute();
  return rows.map((row) => row.list_id);
}

/** Which of these live people are on the list: member row's live profile → live id. */
async function membersAmong(
  db: Kysely<Database>,
  workspaceId: string,
  listId: string,
  liveIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const liveId of liveIds) {
    const ids = await idsOfPerson(db, workspaceId, liveId);
    const row = await db
      .selectFrom('static_list_members')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('list_id', '=', listId)
      .where('profile_id', 'in', ids)
      .executeTakeFirst();
    if (row) found.add(liveId);
  }
  return found;
}

/** Every live person on a list (for enrolling a list in a sequence, counts). */
export async function liveMembersOf(
  db: Kysely<Database>,
  workspaceId: string,
  listId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('static_list_members')
    .select('profile_id')
    .where('workspace_id', '=', workspaceId)
    .where('list_id', '=', listId)
    .orderBy('profile_id')
    .execute();
  const live = await liveProfilesOf(
    db,
    workspaceId,
    rows.map((row) => row.profile_id),
  );
  return [...new Set(rows.map((row) => live.get(row.profile_id)).filter((id) => id !== undefined))];
}
