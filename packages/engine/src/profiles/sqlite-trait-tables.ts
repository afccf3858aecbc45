import type BetterSqlite3 from 'better-sqlite3';
import { prepared, toJson } from '../store/index.js';
import type { TraitState } from './trait-merge.js';
import { searchTextOf } from './trait-search-text.js';

// The pipeline's trait reads and writes on SQLite: prepared statements, one profile or row each,
// inside the batch's transaction (see identity/sqlite-identity-tables.ts for why).

interface TraitRow {
  name: string;
  value: string;
  priority: number;
  set_at: string;
  message_id: string;
  first_seen: string;
  last_seen: string;
  previous_value: string | null;
}

export function loadTraitsSqlite(
  sqlite: BetterSqlite3.Database,
  workspaceId: string,
  profileIds: readonly string[],
): Map<string, Map<string, TraitState>> {
  const ofProfile = prepared(
    sqlite,
    `SELECT name, value, priority, set_at, message_id, first_seen, last_seen, previous_value
     FROM profile_traits WHERE workspace_id = ? AND profile_id = ?`,
  );
  const byProfile = new Map<string, Map<string, TraitState>>();
  for (const profileId of new Set(profileIds)) {
    // Rows of this shape, as selected.
    const rows = ofProfile.all(workspaceId, profileId) as TraitRow[];
    if (rows.length === 0) continue;
    const traits = new Map<string, TraitState>();
    byProfile.set(profileId, traits);
    for (const row of rows) {
      traits.set(row.name, {
        value: JSON.parse(row.value),
        priority: Number(row.priority),
        setAt: row.set_at,
        messageId: row.message_id,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        previousValue: row.previous_value === null ? null : JSON.parse(row.previous_value),
      });
    }
  }
  return byProfile;
}

export function saveTraitsSqlite(
  sqlite: BetterSqlite3.Database,
  workspaceId: string,
  traits: readonly { profileId: string; name: string; trait: TraitState }[],
): void {
  const upsert = prepared(
    sqlite,
    `INSERT INTO profile_traits (workspace_id, profile_id, name, value, value_text, priority, set_at,
       message_id, first_seen, last_seen, previous_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, profile_id, name) DO UPDATE SET value = excluded.value,
       value_text = excluded.value_text, priority = excluded.priority, set_at = excluded.set_at,
       message_id = excluded.message_id, first_seen = excluded.first_seen,
       last_seen = excluded.last_seen, previous_value = excluded.previous_value`,
  );
  for (const { profileId, name, trait } of traits) {
    upsert.run(
      workspaceId,
      profileId,
      name,
      toJson(trait.value),
      searchTextOf(trait.value),
      trait.priority,
      trait.setAt,
      trait.messageId,
      trait.firstSeen,
      trait.lastSeen,
      trait.previousValue == null ? null : toJson(trait.previousValue),
    );
  }
}

export function deleteTraitsSqlite(
  sqlite: BetterSqlite3.Database,
  workspaceId: string,
  profileIds: readonly string[],
): void {
  const remove = prepared(sqlite, 'DELETE FROM profile_traits WHERE workspace_id = ? AND profile_id = ?');
  for (const profileId of profileIds) remove.run(workspaceId, profileId);
}

export function deleteTraitNamesSqlite(
  sqlite: BetterSqlite3.Database,
  workspaceId: string,
  traits: readonly { profileId: string; name: string }[],
): void {
  const remove = prepared(
    sqlite,
    'DELETE FROM profile_traits WHERE workspace_id = ? AND profile_id = ? AND name = ?',
  );
  for (const { profileId, name } of traits) remove.run(workspaceId, profileId, name);
}
