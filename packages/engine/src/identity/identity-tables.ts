import { type Kysely, PostgresAdapter } from 'kysely';
import { newId } from '../ids/index.js';
import { type Database, fromJson, nowIso, rawSqliteOf, toJson } from '../store/index.js';
import type { Identifier, IdentifierRejection } from './identifiers-of-event.js';
import type { IdentifierNode, IdentityGraph, ProfileNode, Separation } from './identity-graph.js';
import { loadGraphStatePostgres, saveGraphRowsPostgres } from './postgres-identity-tables.js';
import { loadGraphStateSqlite, saveGraphSqlite } from './sqlite-identity-tables.js';

// 1,000 rows of at most 7 values stay below both engines' bound on parameters per statement.
const CHUNK = 1000;

export function* chunksOf<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** The stored profiles these identifiers reach, each with all its identifiers. */
export async function loadGraphState(
  db: Kysely<Database>,
  workspaceId: string,
  identifiers: readonly Identifier[],
): Promise<{ profiles: ProfileNode[]; identifiers: IdentifierNode[] }> {
  const sqlite = rawSqliteOf(db);
  if (sqlite) return loadGraphStateSqlite(sqlite, workspaceId, identifiers);
  if (onPostgres(db)) return loadGraphStatePostgres(db, workspaceId, identifiers);
  const wanted = new Set(identifiers.map((i) => `${i.type}\u0000${i.value}`));
  const profileIds = new Set<string>();
  for (const chunk of chunksOf([...new Set(identifiers.map((i) => i.value))])) {
    const rows = await db
      .selectFrom('profile_identifiers')
      .select(['type', 'value', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('value', 'in', chunk)
      .execute();
    for (const row of rows) if (wanted.has(`${row.type}\u0000${row.value}`)) profileIds.add(row.profile_id);
  }
  const profiles: ProfileNode[] = [];
  const nodes: IdentifierNode[] = [];
  for (const chunk of chunksOf([...profileIds])) {
    const [profileRows, identifierRows] = await Promise.all([
      db
        .selectFrom('profiles')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .execute(),
      db
        .selectFrom('profile_identifiers')
        .select(['type', 'value', 'profile_id', 'first_seen', 'last_seen'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .execute(),
    ]);
    for (const row of profileRows) {
      profiles.push({
        profileId: row.profile_id,
        mergedInto: row.merged_into,
        eventCount: Number(row.event_count),
        createdAt: row.created_at,
        identifiers: new Map(),
        isNew: false,
        dirty: false,
      });
    }
    for (const row of identifierRows) {
      nodes.push({
        type: row.type,
        value: row.value,
        profileId: row.profile_id,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        dirty: false,
      });
    }
  }
  return { profiles, identifiers: nodes };
}

/** The identifier pairs admins separated in this workspace. */
export async function loadSeparations(db: Kysely<Database>, workspaceId: string): Promise<Separation[]> {
  const rows = await db
    .selectFrom('identity_separations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((row) => ({
    a: { type: row.type_a, value: row.value_a },
    b: { type: row.type_b, value: row.value_b },
  }));
}

/** An event placed on a profile by the graph. */
export interface Attribution {
  readonly seq: number;
  readonly profileId: string;
  readonly timestamp: string;
  readonly event: string | null;
}

/** Writes what the graph changed: profiles, identifiers, events' profiles, merges. */
export async function saveGraph(
  db: Kysely<Database>,
  workspaceId: string,
  graph: IdentityGraph,
  attributions: readonly Attribution[],
): Promise<void> {
  const sqlite = rawSqliteOf(db);
  if (sqlite) return saveGraphSqlite(sqlite, workspaceId, graph, attributions);
  const now = nowIso();
  const dirtyProfiles = [...graph.profiles.values()].filter((p) => p.dirty);
  if (onPostgres(db)) {
    await saveGraphRowsPostgres(db, workspaceId, {
      profiles: dirtyProfiles,
      identifiers: [...graph.identifiers.values()].filter((i) => i.dirty),
      events: attributions.map((a) => ({ ...a, profileId: graph.root(a.profileId) })),
      now,
    });
    await saveMerges(db, workspaceId, graph, now);
    return;
  }
  for (const chunk of chunksOf(dirtyProfiles)) {
    await db
      .insertInto('profiles')
      .values(
        chunk.map((p) => ({
          workspace_id: workspaceId,
          profile_id: p.profileId,
          merged_into: p.mergedInto,
          event_count: p.eventCount,
          created_at: p.createdAt,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'profile_id']).doUpdateSet((eb) => ({
          merged_into: eb.ref('excluded.merged_into'),
          event_count: eb.ref('excluded.event_count'),
          created_at: eb.ref('excluded.created_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  const dirtyIdentifiers = [...graph.identifiers.values()].filter((i) => i.dirty);
  for (const chunk of chunksOf(dirtyIdentifiers)) {
    await db
      .insertInto('profile_identifiers')
      .values(
        chunk.map((i) => ({
          workspace_id: workspaceId,
          value: i.value,
          type: i.type,
          profile_id: i.profileId,
          first_seen: i.firstSeen,
          last_seen: i.lastSeen,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'value', 'type']).doUpdateSet((eb) => ({
          profile_id: eb.ref('excluded.profile_id'),
          last_seen: eb.ref('excluded.last_seen'),
        })),
      )
      .execute();
  }
  for (const chunk of chunksOf(attributions)) {
    await db
      .insertInto('profile_events')
      .values(
        chunk.map((a) => ({
          seq: a.seq,
          workspace_id: workspaceId,
          profile_id: graph.root(a.profileId),
          timestamp: a.timestamp,
          event: a.event,
        })),
      )
      .onConflict((oc) => oc.column('seq').doNothing())
      .execute();
  }
  await saveMerges(db, workspaceId, graph, now);
}

/** Records the graph's merges, each merged profile's rows moved onto its survivor. */
async function saveMerges(db: Kysely<Database>, workspaceId: string, graph: IdentityGraph, now: string) {
  for (const merge of graph.merges) {
    await db
      .insertInto('profile_merges')
      .values({
        workspace_id: workspaceId,
        merge_id: newId('merge'),
        survivor_id: merge.survivorId,
        profile_id: merge.profileId,
        event_id: merge.eventId,
        identifiers: toJson(merge.identifiers),
        merged_at: now,
        undone_at: null,
      })
      .execute();
    // The merged side's rows follow it (also for a profile born in this batch: stored profiles
    // may have been merged into it already); ids merged into it earlier now resolve in one hop.
    await repointProfile(db, workspaceId, merge.profileId, merge.survivorId);
  }
}

export function onPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Moves a profile's events and earlier merged ids onto another profile. */
export async function repointProfile(db: Kysely<Database>, workspaceId: string, from: string, to: string) {
  await db
    .updateTable('profile_events')
    .set({ profile_id: to })
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', from)
    .execute();
  await db
    .updateTable('profiles')
    .set({ merged_into: to })
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', '=', from)
    .execute();
}

/** Adds to the per-type counters of values refused as identifiers. */
export async function countRejections(
  db: Kysely<Database>,
  workspaceId: string,
  rejections: readonly IdentifierRejection[],
): Promise<void> {
  const counts = new Map<string, { type: string; reason: string; count: number }>();
  for (const { type, reason } of rejections) {
    const key = `${type}\u0000${reason}`;
    const entry = counts.get(key) ?? { type, reason, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  if (counts.size === 0) return;
  await db
    .insertInto('identifier_rejections')
    .values([...counts.values()].map((c) => ({ workspace_id: workspaceId, ...c })))
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'type', 'reason']).doUpdateSet((eb) => ({
        count: eb(eb.ref('identifier_rejections.count'), '+', eb.ref('excluded.count')),
      })),
    )
    .execute();
}

export function identifiersOf(stored: unknown): Identifier[] {
  return fromJson<Identifier[]>(stored);
}
