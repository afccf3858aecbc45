import { type Kysely, type RawBuilder, sql } from 'kysely';
import { chunksOf } from '../identity/index.js';
import { type Database, prepared, rawSqliteOf } from '../store/index.js';
import type { TraitDefinition } from './computed-trait-rows.js';
import { addEvent, emptyValueOf, prune, type TraitState, traitValueOf } from './trait-buckets.js';

/** One event as computed traits see it, already resolved to its live profile. */
export interface ProfiledEvent {
  readonly profileId: string;
  readonly seq: number;
  readonly event: string;
  readonly timestamp: string;
  readonly properties: Record<string, unknown>;
}

/**
 * Folds events into the stored states of one trait (load, add, prune, save): incremental, each
 * event read once. Returns the profiles whose value changed.
 */
export async function foldEvents(
  db: Kysely<Database>,
  workspaceId: string,
  options: { definition: TraitDefinition; events: readonly ProfiledEvent[]; now: number; fresh?: boolean },
): Promise<Set<string>> {
  const { definition, now } = options;
  const byProfile = new Map<string, ProfiledEvent[]>();
  for (const e of options.events) {
    const ofProfile = byProfile.get(e.profileId);
    if (ofProfile) ofProfile.push(e);
    else byProfile.set(e.profileId, [e]);
  }
  const changed = new Set<string>();
  for (const chunk of chunksOf([...byProfile.keys()])) {
    const stored = options.fresh ? [] : await loadStates(db, workspaceId, definition.id, chunk);
    const states = new Map(stored.map((s) => [s.profile_id, s]));
    const rows = chunk.map((profileId) => {
      const before = states.get(profileId);
      // Stored by this module: the JSON of a TraitState.
      const state = (before ? JSON.parse(before.state) : {}) as TraitState;
      for (const e of byProfile.get(profileId) ?? []) {
        const value = definition.property === undefined ? undefined : e.properties[definition.property];
        addEvent(state, definition, { timestamp: e.timestamp, seq: e.seq, value }, now);
      }
      const expiresAt = prune(state, definition, now);
      const value = JSON.stringify(traitValueOf(state, definition.kind));
      if (value !== (before?.value ?? JSON.stringify(emptyValueOf(definition.kind)))) changed.add(profileId);
      return rowOf(workspaceId, definition.id, profileId, { state, value, expiresAt });
    });
    await saveStates(db, rows);
  }
  return changed;
}

/** Re-reads states whose oldest bucket left its window; returns the (workspace, profile) pairs that changed. */
export async function refreshExpired(
  db: Kysely<Database>,
  definitions: (workspaceId: string, traitId: string) => Promise<TraitDefinition | undefined>,
  options: { now: number; limit: number; inPartition?: RawBuilder<boolean> | undefined },
): Promise<{ workspaceId: string; profileId: string }[]> {
  let dueQuery = db
    .selectFrom('computed_trait_values')
    .selectAll()
    .where('expires_at', '<=', new Date(options.now).toISOString());
  // Pipeline partitions: only the workspaces of the caller's (see pipeline/pipeline-partitions.ts).
  if (options.inPartition) dueQuery = dueQuery.where(options.inPartition);
  const due = await dueQuery.orderBy('expires_at').limit(options.limit).execute();
  const changed: { workspaceId: string; profileId: string }[] = [];
  const rows = [];
  for (const row of due) {
    const definition = await definitions(row.workspace_id, row.trait_id);
    if (!definition) continue;
    const state = JSON.parse(row.state) as TraitState; // stored by this module
    const expiresAt = prune(state, definition, options.now);
    const value = JSON.stringify(traitValueOf(state, definition.kind));
    if (value !== row.value) changed.push({ workspaceId: row.workspace_id, profileId: row.profile_id });
    rows.push(rowOf(row.workspace_id, row.trait_id, row.profile_id, { state, value, expiresAt }));
  }
  await saveStates(db, rows);
  return changed;
}

function rowOf(
  workspaceId: string,
  traitId: string,
  profileId: string,
  s: { state: TraitState; value: string; expiresAt: number | null },
) {
  return {
    workspace_id: workspaceId,
    trait_id: traitId,
    profile_id: profileId,
    state: JSON.stringify(s.state),
    value: s.value,
    expires_at: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString(),
  };
}

type StoredState = { profile_id: string; state: string; value: string };

async function loadStates(
  db: Kysely<Database>,
  workspaceId: string,
  traitId: string,
  profileIds: string[],
): Promise<StoredState[]> {
  const sqlite = rawSqliteOf(db);
  if (sqlite) {
    // The pipeline's batches on SQLite: a prepared point read per profile by primary key.
    const byKey = prepared(
      sqlite,
      'SELECT profile_id, state, value FROM computed_trait_values WHERE workspace_id = ? AND trait_id = ? AND profile_id = ?',
    );
    const rows: StoredState[] = [];
    for (const profileId of profileIds) {
      // A row of this shape, as selected.
      const row = byKey.get(workspaceId, traitId, profileId) as StoredState | undefined;
      if (row) rows.push(row);
    }
    return rows;
  }
  return db
    .selectFrom('computed_trait_values')
    .select(['profile_id', 'state', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('trait_id', '=', traitId)
    .where('profile_id', 'in', profileIds)
    .execute();
}

async function saveStates(db: Kysely<Database>, rows: ReturnType<typeof rowOf>[]) {
  const sqlite = rawSqliteOf(db);
  if (sqlite) {
    // A prepared upsert per row: no multi-row statement to build and compile per batch.
    const upsert = prepared(
      sqlite,
      `INSERT INTO computed_trait_values (workspace_id, trait_id, profile_id, state, value, expires_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, trait_id, profile_id) DO UPDATE SET
         state = excluded.state, value = excluded.value, expires_at = excluded.expires_at`,
    );
    for (const r of rows)
      upsert.run(r.workspace_id, r.trait_id, r.profile_id, r.state, r.value, r.expires_at);
    return;
  }
  for (const chunk of chunksOf(rows, 500)) {
    await db
      .insertInto('computed_trait_values')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'trait_id', 'profile_id']).doUpdateSet({
          state: sql.ref('excluded.state'),
          value: sql.ref('excluded.value'),
          expires_at: sql.ref('excluded.expires_at'),
        }),
      )
      .execute();
  }
}

/** Drops every computed value of these profiles (merged away: no one now). */
export async function forgetProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
) {
  for (const chunk of chunksOf(profileIds)) {
    await db
      .deleteFrom('computed_trait_values')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
  }
}

/** Drops every computed value of every workspace, before a replay of the log recomputes them. */
export async function forgetAllValues(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('computed_trait_values').execute();
}
