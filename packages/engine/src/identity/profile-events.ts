import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { eventsBySeq } from '../log/index.js';
import type { Database } from '../store/index.js';
import { chunksOf } from './identity-tables.js';

/** The logged events identity attributes to each of these profiles, in log order. */
export async function eventsOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, StoredEvent[]>> {
  const profileOf = new Map<number, string>();
  for (const chunk of chunksOf(profileIds)) {
    const rows = await db
      .selectFrom('profile_events')
      .select(['seq', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const row of rows) profileOf.set(Number(row.seq), row.profile_id);
  }
  const events = new Map<string, StoredEvent[]>(profileIds.map((id) => [id, []]));
  for (const event of await eventsBySeq(db, workspaceId, [...profileOf.keys()])) {
    const profileId = profileOf.get(event.seq);
    if (profileId !== undefined) events.get(profileId)?.push(event);
  }
  return events;
}
