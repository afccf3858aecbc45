import type BetterSqlite3 from 'better-sqlite3';
import { newId } from '../ids/index.js';
import { nowIso, prepared, toJson } from '../store/index.js';
import type { Identifier } from './identifiers-of-event.js';
import type { IdentifierNode, IdentityGraph, ProfileNode } from './identity-graph.js';
import type { Attribution } from './identity-tables.js';

// The pipeline's identity reads and writes on SQLite: prepared statements, one row each, inside
// the batch's transaction. Point lookups by primary key cost microseconds here, and skip building
// (and preparing) a 1,000-row statement per call. Same rows as identity-tables.ts writes.

interface IdentifierRow {
  type: string;
  value: string;
  profile_id: string;
  first_seen: string;
  last_seen: string;
}

interface ProfileRow {
  profile_id: string;
  merged_into: string | null;
  event_count: number;
  created_at: string;
}

export function loadGraphStateSqlite(
  sqlite: BetterSqlite3.Database,
  workspaceId: string,
  identifiers: readonly Identifier[],
): { profiles: ProfileNode[]; identifiers: IdentifierNode[] } {
  const byValue = prepared(
    sqlite,
    'SELECT type, profile_id FROM profile_identifiers WHERE workspace_id = ? AND value = ? AND type = ?',
  );
  const profileIds = new Set<string>();
  const seen = new Set<string>();
  for (const { type, value } of identifiers) {
    const key = `${type}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A row of this shape, as selected.
    const row = byValue.get(workspaceId, value, type) as { profile_id: string } | undefined;
    if (row) profileIds.add(row.profile_id);
  }
  const profileById = prepared(
    sqlite,
    'SELECT profile_id, merged_into, event_count, created_at FROM profiles WHERE workspace_id = ? AND profile_id = ?',
  );
  const identifiersOfProfile = prepared(
    sqlite,
    'SELECT type, value, profile_id, first_seen, last_seen FROM profile_identifiers WHERE workspace_id = ? AND profile_id = ?',
  );
  const profiles: ProfileNode[] = [];
  const nodes: IdentifierNode[] = [];
  for (const profileId of profileIds) {
    // Rows of these shapes, as selected.
    const row = profileById.get(workspaceId, profileId) as ProfileRow | undefined;
    if (row) {
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
    for (const i of identifiersOfProfile.all(workspaceId, profileId) as IdentifierRow[]) {
      nodes.push({
        type: i.type,
        value: i.value,
        profileId: i.profile_id,
        firstSeen: i.first_seen,
        lastSeen: i.last_seen,
        dirty: false,
      });
    }
  }
  return { profiles, identifiers: nodes };
}

export function saveGraphSqlite(
  sqlite: BetterSqlite3.Database,
  workspaceId: string,
  graph: IdentityGraph,
  attributions: readonly Attribution[],
): void {
  const now = nowIso();
  const insertProfile = prepared(
    sqlite,
    `INSERT INTO profiles (workspace_id, profile_id, merged_into, event_count, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const updateMerged = prepared(
    sqlite,
    `UPDATE profiles SET merged_into = ?, event_count = ?, created_at = ?, updated_at = ?
     WHERE workspace_id = ? AND profile_id = ?`,
  );
  // Most writes just count an event: leaving merged_into out of the SET spares SQLite rewriting
  // its index entry (a random page) on every event.
  const updateCounts = prepared(
    sqlite,
    `UPDATE profiles SET event_count = ?, created_at = ?, updated_at = ? WHERE workspace_id = ? AND profile_id = ?`,
  );
  for (const p of graph.profiles.values()) {
    if (!p.dirty) continue;
    if (p.isNew) insertProfile.run(workspaceId, p.profileId, p.mergedInto, p.eventCount, p.createdAt, now);
    else if (p.mergedInto !== null)
      updateMerged.run(p.mergedInto, p.eventCount, p.createdAt, now, workspaceId, p.profileId);
    else updateCounts.run(p.eventCount, p.createdAt, now, workspaceId, p.profileId);
  }
  const upsertIdentifier = prepared(
    sqlite,
    `INSERT INTO profile_identifiers (workspace_id, value, type, profile_id, first_seen, last_seen)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, value, type) DO UPDATE SET
       profile_id = excluded.profile_id, last_seen = excluded.last_seen`,
  );
  for (const i of graph.identifiers.values()) {
    if (i.dirty) upsertIdentifier.run(workspaceId, i.value, i.type, i.profileId, i.firstSeen, i.lastSeen);
  }
  const insertEvent = prepared(
    sqlite,
    `INSERT INTO profile_events (seq, workspace_id, profile_id, timestamp, event)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING`,
  );
  for (const a of attributions)
    insertEvent.run(a.seq, workspaceId, graph.root(a.profileId), a.timestamp, a.event);
  const insertMerge = prepared(
    sqlite,
    `INSERT INTO profile_merges (workspace_id, merge_id, survivor_id, profile_id, event_id, identifiers, merged_at, undone_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
  );
  const repointEvents = prepared(
    sqlite,
    'UPDATE profile_events SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?',
  );
  const repointMerged = prepared(
    sqlite,
    'UPDATE profiles SET merged_into = ? WHERE workspace_id = ? AND merged_into = ?',
  );
  for (const merge of graph.merges) {
    const { survivorId, profileId } = merge;
    insertMerge.run(
      workspaceId,
      newId('merge'),
      survivorId,
      profileId,
      merge.eventId,
      toJson(merge.identifiers),
      now,
    );
    // As repointProfile: the merged side's rows follow it, earlier merged ids now resolve in one hop.
    repointEvents.run(survivorId, workspaceId, profileId);
    repointMerged.run(survivorId, workspaceId, profileId);
  }
}
