import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { chunksOf } from './identity-tables.js';

/**
 * Every identifier of these profiles, each profile's ordered by type then value; one query per
 * 1,000 profiles. Identity's own ranking (most trusted first) is `IdentityService.identitiesOf`.
 */
export async function identifiersOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<{ profile_id: string; type: string; value: string }[]> {
  const identifiers: { profile_id: string; type: string; value: string }[] = [];
  for (const chunk of chunksOf(profileIds)) {
    const rows = await db
      .selectFrom('profile_identifiers')
      .select(['profile_id', 'type', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .orderBy('type')
      .orderBy('value')
      .execute();
    for (const row of rows) identifiers.push(row);
  }
  return identifiers;
}
