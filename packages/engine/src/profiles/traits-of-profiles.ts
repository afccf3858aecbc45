import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';

const CHUNK = 500;

/**
 * These profiles' current traits, each as the JSON text of one object (values as stored, never
 * parsed): batched reads for copies of profiles kept elsewhere (insights' analytics people).
 * A profile without traits is absent.
 */
export async function traitsJsonOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, string>> {
  const members = new Map<string, string[]>();
  for (let start = 0; start < profileIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('profile_traits')
      .select(['profile_id', 'name', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', profileIds.slice(start, start + CHUNK))
      .orderBy('profile_id')
      .orderBy('name')
      .execute();
    for (const row of rows) {
      const list = members.get(row.profile_id) ?? [];
      members.set(row.profile_id, list);
      list.push(`${JSON.stringify(row.name)}:${row.value}`);
    }
  }
  return new Map([...members].map(([profileId, list]) => [profileId, `{${list.join(',')}}`]));
}

/**
 * Every trait of these profiles (values as stored JSON text), in no particular order; one query
 * per 1,000 profiles.
 */
export async function traitsOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<{ profile_id: string; name: string; value: string }[]> {
  const traits: { profile_id: string; name: string; value: string }[] = [];
  for (const chunk of chunksOf(profileIds)) {
    const rows = await db
      .selectFrom('profile_traits')
      // set_at is not in profile_traits_by_name: without it, SQLite (no statistics) prefers that
      // covering index, walking every trait of the workspace, to the primary key of each profile.
      .select(['profile_id', 'name', 'value', 'set_at'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const { profile_id, name, value } of rows) traits.push({ profile_id, name, value });
  }
  return traits;
}
