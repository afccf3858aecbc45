import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { chunksOf } from './identity-tables.js';

/**
 * Merges these events caused (still in force), found from the events' live profiles down the
 * merge chains: the survivors to refold (live profiles) and every profile merged away.
 */
export async function mergesCausedBy(
  db: Kysely<Database>,
  workspaceId: string,
  events: readonly StoredEvent[],
  profileOf: ReadonlyMap<number, string>,
): Promise<{ survivors: string[]; merged: string[] }> {
  const eventIds = new Set(events.map((e) => e.id));
  const survivors = new Set<string>();
  const merged: string[] = [];
  let frontier = [...new Set(profileOf.values())];
  let live = true;
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const chunk of chunksOf(frontier)) {
      const rows = await db
        .selectFrom('profile_merges')
        .select(['survivor_id', 'profile_id', 'event_id'])
        .where('workspace_id', '=', workspaceId)
        .where('survivor_id', 'in', chunk)
        .where('undone_at', 'is', null)
        .execute();
      for (const row of rows) {
        if (row.event_id === null || !eventIds.has(row.event_id)) continue;
        if (live) survivors.add(row.survivor_id);
        merged.push(row.profile_id);
        next.push(row.profile_id);
      }
    }
    frontier = next;
    live = false;
  }
  return { survivors: [...survivors], merged };
}
