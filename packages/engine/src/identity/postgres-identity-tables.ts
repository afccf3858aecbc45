import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';
import type { Identifier } from './identifiers-of-event.js';
import type { IdentifierNode, ProfileNode } from './identity-graph.js';

// PostgreSQL's paths of the pipeline's identity reads and writes: one statement each, the rows
// passed as column arrays (unnest), so a batch costs one round trip whatever its size.

interface GraphRow {
  profile_id: string;
  merged_into: string | null;
  event_count: number | string | null;
  created_at: string | null;
  type: string | null;
  value: string | null;
  first_seen: string | null;
  last_seen: string | null;
}

/** The stored profiles these identifiers reach, each with all its identifiers. */
export async function loadGraphStatePostgres(
  db: Kysely<Database>,
  workspaceId: string,
  identifiers: readonly Identifier[],
): Promise<{ profiles: ProfileNode[]; identifiers: IdentifierNode[] }> {
  if (identifiers.length === 0) return { profiles: [], identifiers: [] };
  const { rows } = await sql<GraphRow>`
    with reached as (
      select distinct i.profile_id
      from unnest(${identifiers.map((i) => i.type)}::text[], ${identifiers.map((i) => i.value)}::text[])
        as w(type, value)
      join profile_identifiers i on i.workspace_id = ${workspaceId} and i.value = w.value and i.type = w.type
    )
    select r.profile_id, p.profile_id is not null as stored, p.merged_into, p.event_count, p.created_at,
      i.type, i.value, i.first_seen, i.last_seen
    from reached r
    left join profiles p on p.workspace_id = ${workspaceId} and p.profile_id = r.profile_id
    left join profile_identifiers i on i.workspace_id = ${workspaceId} and i.profile_id = r.profile_id`.execute(
    db,
  );
  const profiles = new Map<string, ProfileNode>();
  const nodes: IdentifierNode[] = [];
  for (const row of rows as (GraphRow & { stored: boolean })[]) {
    if (row.stored && !profiles.has(row.profile_id)) {
      profiles.set(row.profile_id, {
        profileId: row.profile_id,
        mergedInto: row.merged_into,
        eventCount: Number(row.event_count),
        createdAt: row.created_at as string,
        identifiers: new Map(),
        isNew: false,
        dirty: false,
      });
    }
    if (row.type !== null && row.value !== null) {
      nodes.push({
        type: row.type,
        value: row.value,
        profileId: row.profile_id,
        firstSeen: row.first_seen as string,
        lastSeen: row.last_seen as string,
        dirty: false,
      });
    }
  }
  return { profiles: [...profiles.values()], identifiers: nodes };
}

/** Upserts the changed profiles and identifiers and inserts the events' profiles, in one statement. */
export async function saveGraphRowsPostgres(
  db: Kysely<Database>,
  workspaceId: string,
  rows: {
    profiles: readonly ProfileNode[];
    identifiers: readonly IdentifierNode[];
    events: readonly { seq: number; profileId: string; timestamp: string; event: string | null }[];
    now: string;
  },
): Promise<void> {
  const { profiles, identifiers, events, now } = rows;
  if (profiles.length + identifiers.length + events.length === 0) return;
  await sql`
    with saved_profiles as (
      insert into profiles (workspace_id, profile_id, merged_into, event_count, created_at, updated_at)
      select ${workspaceId}, u.* , ${now}
      from unnest(${profiles.map((p) => p.profileId)}::text[], ${profiles.map((p) => p.mergedInto)}::text[],
        ${profiles.map((p) => p.eventCount)}::integer[], ${profiles.map((p) => p.createdAt)}::text[]) as u
      on conflict (workspace_id, profile_id) do update set
        merged_into = excluded.merged_into, event_count = excluded.event_count,
        created_at = excluded.created_at, updated_at = excluded.updated_at
    ), saved_identifiers as (
      insert into profile_identifiers (workspace_id, value, type, profile_id, first_seen, last_seen)
      select ${workspaceId}, u.*
      from unnest(${identifiers.map((i) => i.value)}::text[], ${identifiers.map((i) => i.type)}::text[],
        ${identifiers.map((i) => i.profileId)}::text[], ${identifiers.map((i) => i.firstSeen)}::text[],
        ${identifiers.map((i) => i.lastSeen)}::text[]) as u
      on conflict (workspace_id, value, type) do update set
        profile_id = excluded.profile_id, last_seen = excluded.last_seen
    )
    insert into profile_events (seq, workspace_id, profile_id, timestamp, event)
    select u.seq, ${workspaceId}, u.profile_id, u.timestamp, u.event
    from unnest(${events.map((e) => e.seq)}::bigint[], ${events.map((e) => e.profileId)}::text[],
      ${events.map((e) => e.timestamp)}::text[], ${events.map((e) => e.event)}::text[])
      as u(seq, profile_id, timestamp, event)
    on conflict (seq) do nothing`.execute(db);
}
