import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

const CHUNK = 500;

/**
 * The audiences each of these profiles is a member of now (ids, sorted): batched reads for
 * copies of profiles kept elsewhere (insights' analytics people).
 */
export async function activeAudienceIdsOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>(profileIds.map((id) => [id, []]));
  for (let start = 0; start < profileIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('audience_members')
      .select(['profile_id', 'audience_id'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', profileIds.slice(start, start + CHUNK))
      .where('exited_at', 'is', null)
      .orderBy('audience_id')
      .execute();
    for (const row of rows) members.get(row.profile_id)?.push(row.audience_id);
  }
  return members;
}
