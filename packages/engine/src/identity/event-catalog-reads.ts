import type { StoredEvent } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import { eventsBySeq } from '../log/index.js';
import type { Database } from '../store/index.js';
import { chunksOf } from './identity-tables.js';

// Bounded reads of identity's event → profile mapping by event name, for the catalog and
// previews: each walks the (workspace, event, timestamp) index, never the whole log.

/** Distinct track event names of a workspace in name order, at most `limit`: one index seek per name. */
export async function eventNamesOf(
  db: Kysely<Database>,
  workspaceId: string,
  limit: number,
): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  while (names.length < limit) {
    let query = db
      .selectFrom('profile_events')
      .select('event')
      .where('workspace_id', '=', workspaceId)
      .where('event', 'is not', null)
      .orderBy('event')
      .limit(1);
    if (after !== null) query = query.where('event', '>', after);
    const row = await query.executeTakeFirst();
    if (!row?.event) break;
    names.push(row.event);
    after = row.event;
  }
  return names;
}

/** Events of this name, counted up to `cap` (a bounded index range), and when the latest happened. */
export async function countEventsNamed(
  db: Kysely<Database>,
  workspaceId: string,
  options: { event: string; cap: number },
): Promise<{ count: number; lastSeenAt: string | null }> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from (
      select 1 from profile_events where workspace_id = ${workspaceId} and event = ${options.event}
      limit ${options.cap}) counted`.execute(db);
  const latest = await db
    .selectFrom('profile_events')
    .select('timestamp')
    .where('workspace_id', '=', workspaceId)
    .where('event', '=', options.event)
    .orderBy('timestamp', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { count: Number(rows[0]?.n ?? 0), lastSeenAt: latest?.timestamp ?? null };
}

/** The latest logged events of this name, newest first, at most `limit`. */
export async function latestEventsNamed(
  db: Kysely<Database>,
  workspaceId: string,
  options: { event: string; limit: number },
): Promise<StoredEvent[]> {
  const rows = await db
    .selectFrom('profile_events')
    .select('seq')
    .where('workspace_id', '=', workspaceId)
    .where('event', '=', options.event)
    .orderBy('timestamp', 'desc')
    .limit(options.limit)
    .execute();
  const events = await eventsBySeq(
    db,
    workspaceId,
    rows.map((row) => Number(row.seq)),
  );
  return events.reverse();
}

/** Distinct profiles that performed this event most recently, at most `limit` (from a bounded scan). */
export async function profilesWithEventNamed(
  db: Kysely<Database>,
  workspaceId: string,
  options: { event: string; limit: number },
): Promise<string[]> {
  const rows = await db
    .selectFrom('profile_events')
    .select('profile_id')
    .where('workspace_id', '=', workspaceId)
    .where('event', '=', options.event)
    .orderBy('timestamp', 'desc')
    .limit(options.limit * 20)
    .execute();
  return [...new Set(rows.map((row) => row.profile_id))].slice(0, options.limit);
}

/** The logged events of this name of each profile, in log order. */
export async function eventsOfProfilesNamed(
  db: Kysely<Database>,
  workspaceId: string,
  options: { profileIds: readonly string[]; event: string },
): Promise<Map<string, StoredEvent[]>> {
  const profileOf = new Map<number, string>();
  for (const chunk of chunksOf(options.profileIds)) {
    const rows = await db
      .selectFrom('profile_events')
      .select(['seq', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .where('event', '=', options.event)
      .execute();
    for (const row of rows) profileOf.set(Number(row.seq), row.profile_id);
  }
  const events = new Map<string, StoredEvent[]>(options.profileIds.map((id) => [id, []]));
  for (const event of await eventsBySeq(db, workspaceId, [...profileOf.keys()])) {
    const profileId = profileOf.get(event.seq);
    if (profileId !== undefined) events.get(profileId)?.push(event);
  }
  return events;
}
