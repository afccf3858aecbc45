import { type Kysely, sql } from 'kysely';
import { type Database, prepared, rawSqliteOf, reusableQuery, type Store, toJson } from '../store/index.js';
import {
  deleteTraitNamesSqlite,
  deleteTraitsSqlite,
  loadTraitsSqlite,
  saveTraitsSqlite,
} from './sqlite-trait-tables.js';
import type { TraitState } from './trait-merge.js';
import { searchTextOf } from './trait-search-text.js';

const CHUNK = 1000;

/** Stored traits of these profiles. */
export async function loadTraits(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, Map<string, TraitState>>> {
  const sqlite = rawSqliteOf(db);
  if (sqlite) return loadTraitsSqlite(sqlite, workspaceId, profileIds);
  const byProfile = new Map<string, Map<string, TraitState>>();
  for (let start = 0; start < profileIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('profile_traits')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', profileIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) {
      const traits = byProfile.get(row.profile_id) ?? new Map<string, TraitState>();
      byProfile.set(row.profile_id, traits);
      traits.set(row.name, {
        value: parseJson(row.value),
        priority: Number(row.priority),
        setAt: row.set_at,
        messageId: row.message_id,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        previousValue: row.previous_value === null ? null : parseJson(row.previous_value),
      });
    }
  }
  return byProfile;
}

/** Upserts traits (per profile, per name). */
export async function saveTraits(
  db: Kysely<Database>,
  workspaceId: string,
  traits: readonly { profileId: string; name: string; trait: TraitState }[],
): Promise<void> {
  const sqlite = rawSqliteOf(db);
  if (sqlite) return saveTraitsSqlite(sqlite, workspaceId, traits);
  for (let start = 0; start < traits.length; start += CHUNK) {
    const rows = traits.slice(start, start + CHUNK).map(({ profileId, name, trait }) => ({
      workspace_id: workspaceId,
      profile_id: profileId,
      name,
      value: toJson(trait.value),
      value_text: searchTextOf(trait.value),
      priority: trait.priority,
      set_at: trait.setAt,
      message_id: trait.messageId,
      first_seen: trait.firstSeen,
      last_seen: trait.lastSeen,
      previous_value: trait.previousValue == null ? null : toJson(trait.previousValue),
    }));
    await db
      .insertInto('profile_traits')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'profile_id', 'name']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          value_text: eb.ref('excluded.value_text'),
          priority: eb.ref('excluded.priority'),
          set_at: eb.ref('excluded.set_at'),
          message_id: eb.ref('excluded.message_id'),
          first_seen: eb.ref('excluded.first_seen'),
          last_seen: eb.ref('excluded.last_seen'),
          previous_value: eb.ref('excluded.previous_value'),
        })),
      )
      .execute();
  }
}

export async function deleteTraits(db: Kysely<Database>, workspaceId: string, profileIds: readonly string[]) {
  const sqlite = rawSqliteOf(db);
  if (sqlite) return deleteTraitsSqlite(sqlite, workspaceId, profileIds);
  for (let start = 0; start < profileIds.length; start += CHUNK) {
    await db
      .deleteFrom('profile_traits')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', profileIds.slice(start, start + CHUNK))
      .execute();
  }
}

/** Deletes these traits (per profile, per name). */
export async function deleteTraitNames(
  db: Kysely<Database>,
  workspaceId: string,
  traits: readonly { profileId: string; name: string }[],
): Promise<void> {
  if (traits.length === 0) return;
  const sqlite = rawSqliteOf(db);
  if (sqlite) return deleteTraitNamesSqlite(sqlite, workspaceId, traits);
  const byProfile = new Map<string, string[]>();
  for (const { profileId, name } of traits) {
    const names = byProfile.get(profileId);
    if (names) names.push(name);
    else byProfile.set(profileId, [name]);
  }
  for (const [profileId, names] of byProfile) {
    for (let start = 0; start < names.length; start += CHUNK) {
      await db
        .deleteFrom('profile_traits')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .where('name', 'in', names.slice(start, start + CHUNK))
        .execute();
    }
  }
}

/** A profile's trait values, at most `limit` of them (the names that sort first). */
export async function traitValuesOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
  limit: number,
): Promise<Record<string, unknown>> {
  const rows = await db
    .selectFrom('profile_traits')
    // set_at is not in profile_traits_by_name: without it, SQLite (no statistics) prefers that
    // covering index, walking every trait of the workspace, to the primary key of one profile.
    .select(['name', 'value', 'set_at'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .orderBy('name')
    .limit(limit)
    .execute();
  const traits: Record<string, unknown> = {};
  // defineProperty: a trait named "__proto__" must stay a plain member.
  for (const { name, value } of rows) {
    Object.defineProperty(traits, name, {
      value: parseJson(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return traits;
}

const traitsOfProfileNamed = reusableQuery<
  [workspaceId: string, profileId: string, names: readonly string[]],
  { name: string; value: string }
>((db, workspaceId, profileId, names) =>
  db
    .selectFrom('profile_traits')
    .select(['name', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    // One array parameter (PostgreSQL only): the same compiled query whatever the count.
    .where(sql<boolean>`name = any(${names})`),
);

/**
 * Some of a profile's traits as stored (value as JSON text), by one read of its primary-key
 * range: for per-request readers (the personalization API). On SQLite a prepared statement,
 * synchronous: building the query would cost more than running it.
 */
export async function storedTraitsOf(
  store: Store,
  workspaceId: string,
  profileId: string,
  names: readonly string[],
): Promise<{ name: string; value: string }[]> {
  if (names.length === 0) return [];
  if (store.sqlite) {
    // The primary key's range of the profile, its names checked in the index (a table row is
    // read for a wanted name only). `+name` and set_at keep SQLite, without statistics, off
    // profile_traits_by_name (workspace, name, value, profile), which it would otherwise walk
    // for every trait of those names in the workspace.
    return prepared(
      store.sqlite,
      `SELECT name, value, set_at FROM profile_traits WHERE workspace_id = ? AND profile_id = ?
        AND +name IN (${names.map(() => '?').join(', ')})`,
    ).all(workspaceId, profileId, ...names) as { name: string; value: string }[];
  }
  return traitsOfProfileNamed(store.db, workspaceId, profileId, names);
}

function parseJson(text: string): unknown {
  return JSON.parse(text);
}
