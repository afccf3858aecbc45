import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';
import { chunksOf } from '../identity/index.js';
import { type Database, prepared, rawSqliteOf } from '../store/index.js';
import type { TraitDefinition } from './computed-trait-rows.js';
import { flagTimeChanged, type TraitValueKey } from './time-changes.js';
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
export function foldEvents(
  db: Kysely<Database>,
  workspaceId: string,
  options: { definition: TraitDefinition; events: readonly ProfiledEvent[]; now: number; fresh?: boolean },
): Promise<Set<string>> {
  const { definition, events, now, fresh } = options;
  return foldTraits(db, workspaceId, { folds: [{ definition, events }], now, fresh });
}

/**
 * Folds events into the stored states of several traits at once: one read of their states and
 * one write (on PostgreSQL, one statement each whatever the number of traits and profiles).
 * Returns the profiles whose value changed.
 */
export async function foldTraits(
  db: Kysely<Database>,
  workspaceId: string,
  options: {
    folds: readonly { definition: TraitDefinition; events: readonly ProfiledEvent[] }[];
    now: number;
    fresh?: boolean | undefined;
  },
): Promise<Set<string>> {
  const { now } = options;
  const work: { definition: TraitDefinition; profileId: string; events: ProfiledEvent[] }[] = [];
  for (const { definition, events } of options.folds) {
    const byProfile = new Map<string, ProfiledEvent[]>();
    for (const e of events) {
      const ofProfile = byProfile.get(e.profileId);
      if (ofProfile) ofProfile.push(e);
      else byProfile.set(e.profileId, [e]);
    }
    for (const [profileId, ofProfile] of byProfile) work.push({ definition, profileId, events: ofProfile });
  }
  const changed = new Set<string>();
  if (work.length === 0) return changed;
  const keys = work.map((w) => ({ traitId: w.definition.id, profileId: w.profileId }));
  const states = options.fresh ? new Map<string, StoredState>() : await loadStates(db, workspaceId, keys);
  const rows = work.map(({ definition, profileId, events }) => {
    const before = states.get(stateKey(definition.id, profileId));
    // Stored by this module: the JSON of a TraitState.
    const state = (before ? JSON.parse(before.state) : {}) as TraitState;
    for (const e of events) {
      const value = definition.property === undefined ? undefined : e.properties[definition.property];
      addEvent(state, definition, { timestamp: e.timestamp, seq: e.seq, value }, now);
    }
    const expiresAt = prune(state, definition, now);
    const value = JSON.stringify(traitValueOf(state, definition.kind));
    if (value !== (before?.value ?? JSON.stringify(emptyValueOf(definition.kind)))) changed.add(profileId);
    return rowOf(workspaceId, definition.id, profileId, { state, value, expiresAt });
  });
  await saveStates(db, rows);
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
  const changed: TraitValueKey[] = [];
  const rows = [];
  for (const row of due) {
    const definition = await definitions(row.workspace_id, row.trait_id);
    if (!definition) continue;
    const state = JSON.parse(row.state) as TraitState; // stored by this module
    const expiresAt = prune(state, definition, options.now);
    const value = JSON.stringify(traitValueOf(state, definition.kind));
    if (value !== row.value)
      changed.push({ workspaceId: row.workspace_id, traitId: row.trait_id, profileId: row.profile_id });
    rows.push(rowOf(row.workspace_id, row.trait_id, row.profile_id, { state, value, expiresAt }));
  }
  await saveStates(db, rows);
  // No event carries these changes: the delivery stage and the analytics copy take them from their flags.
  await flagTimeChanged(db, changed);
  return changed.map(({ workspaceId, profileId }) => ({ workspaceId, profileId }));
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

type StoredState = { trait_id: string; profile_id: string; state: string; value: string };

function stateKey(traitId: string, profileId: string): string {
  return `${traitId}\u0000${profileId}`;
}

/** The stored states of these (trait, profile) pairs, by stateKey. */
async function loadStates(
  db: Kysely<Database>,
  workspaceId: string,
  keys: readonly { traitId: string; profileId: string }[],
): Promise<Map<string, StoredState>> {
  const found = new Map<string, StoredState>();
  const sqlite = rawSqliteOf(db);
  if (sqlite) {
    // The pipeline's batches on SQLite: a prepared point read per profile by primary key.
    const byKey = prepared(
      sqlite,
      'SELECT trait_id, profile_id, state, value FROM computed_trait_values WHERE workspace_id = ? AND trait_id = ? AND profile_id = ?',
    );
    for (const { traitId, profileId } of keys) {
      // A row of this shape, as selected.
      const row = byKey.get(workspaceId, traitId, profileId) as StoredState | undefined;
      if (row) found.set(stateKey(traitId, profileId), row);
    }
    return found;
  }
  if (!onPostgres(db)) {
    // SQLite through Kysely (no raw handle: an in-memory store): per trait, its profiles in chunks.
    const byTrait = new Map<string, string[]>();
    for (const { traitId, profileId } of keys)
      byTrait.set(traitId, [...(byTrait.get(traitId) ?? []), profileId]);
    for (const [traitId, profileIds] of byTrait) {
      for (const chunk of chunksOf(profileIds)) {
        const rows = await db
          .selectFrom('computed_trait_values')
          .select(['trait_id', 'profile_id', 'state', 'value'])
          .where('workspace_id', '=', workspaceId)
          .where('trait_id', '=', traitId)
          .where('profile_id', 'in', chunk)
          .execute();
        for (const row of rows) found.set(stateKey(row.trait_id, row.profile_id), row);
      }
    }
    return found;
  }
  // One statement: the pairs as two arrays, each looked up by primary key.
  const { rows } = await sql<StoredState>`
    select c.trait_id, c.profile_id, c.state, c.value
    from unnest(${keys.map((k) => k.traitId)}::text[], ${keys.map((k) => k.profileId)}::text[]) as w(trait_id, profile_id)
    join computed_trait_values c
      on c.workspace_id = ${workspaceId} and c.trait_id = w.trait_id and c.profile_id = w.profile_id`.execute(
    db,
  );
  for (const row of rows) found.set(stateKey(row.trait_id, row.profile_id), row);
  return found;
}

async function saveStates(db: Kysely<Database>, rows: ReturnType<typeof rowOf>[]) {
  if (rows.length === 0) return;
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
  if (!onPostgres(db)) {
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
    return;
  }
  // One statement whatever the count: the columns as arrays (no parameter bound, one parse).
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
  await sql`
    insert into computed_trait_values (workspace_id, trait_id, profile_id, state, value, expires_at)
    select * from unnest(${column('workspace_id')}::text[], ${column('trait_id')}::text[],
      ${column('profile_id')}::text[], ${column('state')}::text[], ${column('value')}::text[],
      ${column('expires_at')}::text[])
    on conflict (workspace_id, trait_id, profile_id) do update set
      state = excluded.state, value = excluded.value, expires_at = excluded.expires_at`.execute(db);
}

function onPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
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
