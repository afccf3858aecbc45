import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { eventsBySeq } from '../log/index.js';
import { type Database, unindexedWorkspaceId } from '../store/index.js';
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

/** The live profile of each event, through identity's event → profile mapping. */
export async function profilesOfEvents(db: Kysely<Database>, workspaceId: string, seqs: readonly number[]) {
  const profileOf = new Map<number, string>();
  for (let start = 0; start < seqs.length; start += 1000) {
    // By seq alone (the key); with workspace_id in the filter SQLite picks a per-workspace index scan.
    const rows = await db
      .selectFrom('profile_events')
      .select(['seq', 'profile_id', 'workspace_id'])
      .where('seq', 'in', seqs.slice(start, start + 1000))
      .execute();
    for (const row of rows)
      if (row.workspace_id === workspaceId) profileOf.set(Number(row.seq), row.profile_id);
  }
  return profileOf;
}

/** Drops identity's attribution of events removed from the log. */
export async function forgetEvents(db: Kysely<Database>, workspaceId: string, seqs: readonly number[]) {
  for (let start = 0; start < seqs.length; start += 1000) {
    await db
      .deleteFrom('profile_events')
      .where(unindexedWorkspaceId, '=', workspaceId)
      .where('seq', 'in', seqs.slice(start, start + 1000))
      .execute();
  }
}

/**
 * The newest event identity has attributed, across workspaces: a bound below which the log's
 * events of a live pipeline are attributed (on PostgreSQL with several partitions, only roughly:
 * privacy waits for the pipeline to pass its position as well).
 */
export async function lastAttributedSeq(db: Kysely<Database>): Promise<number> {
  const newest = await db
    .selectFrom('profile_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(newest?.seq ?? 0);
}
