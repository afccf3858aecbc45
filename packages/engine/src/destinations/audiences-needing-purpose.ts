import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { storedDestinationOf } from './destination-rows.js';

/**
 * The audiences that destinations needing this purpose are subscribed to (`kind: 'audience'`):
 * the lists a turn of the purpose takes people off, or puts them back on. Each id once.
 */
export async function audiencesNeedingPurpose(
  db: Kysely<Database>,
  workspaceId: string,
  purpose: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('destinations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .execute();
  const audienceIds = new Set<string>();
  for (const destination of rows.map(storedDestinationOf)) {
    if (!destination.purposes.includes(purpose)) continue;
    for (const subscription of destination.subscriptions)
      if (subscription.kind === 'audience') audienceIds.add(subscription.audienceId);
  }
  return [...audienceIds].sort();
}
