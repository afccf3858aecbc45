import type { ConsentSourceKind } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import { type Database, prepared, rawSqliteOf } from '../store/index.js';

/** A profile's standing on one purpose: granted or not, as of the latest decision's time. */
export interface PurposeStanding {
  readonly granted: boolean;
  /** ISO 8601 UTC: when the latest decision (or an event repeating it) was made. */
  readonly at: string;
}

/** Per profile, per purpose key. */
export type ConsentStandings = Map<string, Map<string, PurposeStanding>>;

/**
 * The one rule of consent state: the decision made last wins, whatever order decisions arrive in
 * (a late event with an older timestamp never overrides a newer decision; equal times: the one
 * folded last). Returns whether the decision says something else than the standing it met, which
 * is what history keeps (repeating what is already decided is no news).
 */
export function foldDecision(
  standings: Map<string, PurposeStanding>,
  purpose: string,
  decision: PurposeStanding,
): boolean {
  const current = standings.get(purpose);
  const differs = current === undefined || current.granted !== decision.granted;
  if (current === undefined || decision.at >= current.at) standings.set(purpose, decision);
  return differs;
}

/** The stored standings of these profiles. */
export async function loadStandings(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<ConsentStandings> {
  const standings: ConsentStandings = new Map(profileIds.map((id) => [id, new Map()]));
  for (const chunk of chunksOf([...new Set(profileIds)])) {
    const rows = await db
      .selectFrom('consent_states')
      .select(['profile_id', 'purpose', 'granted', 'decided_at'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const row of rows)
      standings.get(row.profile_id)?.set(row.purpose, { granted: row.granted === 1, at: row.decided_at });
  }
  return standings;
}

/**
 * Stores standings. Only a standing at least as recent as the stored one replaces it, so that a
 * batch and an API call deciding for the same person at once (PostgreSQL) both end at the later.
 */
export async function saveStandings(
  db: Kysely<Database>,
  workspaceId: string,
  standings: ConsentStandings,
): Promise<void> {
  const rows = [...standings].flatMap(([profileId, ofProfile]) =>
    [...ofProfile].map(([purpose, standing]) => ({
      workspace_id: workspaceId,
      profile_id: profileId,
      purpose,
      granted: standing.granted ? 1 : 0,
      decided_at: standing.at,
    })),
  );
  const sqlite = rawSqliteOf(db);
  if (sqlite) {
    // SQLite, in a pipeline batch: one prepared statement per row beats building wide inserts.
    const upsert = prepared(sqlite, UPSERT_STANDING);
    for (const row of rows)
      upsert.run(row.workspace_id, row.profile_id, row.purpose, row.granted, row.decided_at);
    return;
  }
  for (const chunk of chunksOf(rows, 500)) {
    await db
      .insertInto('consent_states')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'profile_id', 'purpose'])
          .doUpdateSet((eb) => ({
            granted: eb.ref('excluded.granted'),
            decided_at: eb.ref('excluded.decided_at'),
          }))
          .where((eb) => eb('excluded.decided_at', '>=', eb.ref('consent_states.decided_at'))),
      )
      .execute();
  }
}

const UPSERT_STANDING = `INSERT INTO consent_states (workspace_id, profile_id, purpose, granted, decided_at)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (workspace_id, profile_id, purpose) DO UPDATE
  SET granted = excluded.granted, decided_at = excluded.decided_at
  WHERE excluded.decided_at >= consent_states.decided_at`;

/** Replaces the standings of these profiles with what is given (re-derivations, rebuilds). */
export async function replaceStandings(
  db: Kysely<Database>,
  workspaceId: string,
  standings: ConsentStandings,
): Promise<void> {
  await forgetStandings(db, workspaceId, [...standings.keys()]);
  await saveStandings(db, workspaceId, standings);
}

export async function forgetStandings(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<void> {
  for (const chunk of chunksOf(profileIds)) {
    await db
      .deleteFrom('consent_states')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
  }
}

/** One decision to keep in history. */
export interface DecisionRecord {
  readonly decisionId: string;
  readonly profileId: string;
  /** The profile it was recorded for when not `profileId` (an API call naming a merged-away id). */
  readonly originProfileId?: string | undefined;
  readonly category: string;
  readonly purpose: string | undefined;
  readonly granted: boolean;
  readonly decidedAt: string;
  readonly recordedAt: string;
  readonly sourceKind: ConsentSourceKind;
  readonly sourceId?: string | undefined;
  readonly principal?: string | undefined;
  readonly eventId?: string | undefined;
  readonly seq?: number | undefined;
  readonly note?: string | undefined;
  /** Proof of the decision (see ConsentProof). */
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly wording?: string | undefined;
  readonly wordingVersion?: string | undefined;
}

export async function insertDecisions(
  db: Kysely<Database>,
  workspaceId: string,
  decisions: readonly DecisionRecord[],
): Promise<void> {
  const rows = decisions.map((d) => ({
    workspace_id: workspaceId,
    decision_id: d.decisionId,
    profile_id: d.profileId,
    origin_profile_id: d.originProfileId ?? d.profileId,
    category: d.category,
    purpose: d.purpose ?? null,
    granted: d.granted ? 1 : 0,
    decided_at: d.decidedAt,
    recorded_at: d.recordedAt,
    source_kind: d.sourceKind,
    source_id: d.sourceId ?? null,
    principal: d.principal ?? null,
    event_id: d.eventId ?? null,
    seq: d.seq ?? null,
    note: d.note ?? null,
    ip: d.ip ?? null,
    user_agent: d.userAgent ?? null,
    wording: d.wording ?? null,
    wording_version: d.wordingVersion ?? null,
  }));
  for (const chunk of chunksOf(rows, 500)) await db.insertInto('consent_decisions').values(chunk).execute();
}

/** Decisions recorded through the API (not derived from the log) of these profiles, oldest first. */
export async function recordedDecisionsOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
) {
  const decisions = [];
  for (const chunk of chunksOf(profileIds)) {
    decisions.push(
      ...(await db
        .selectFrom('consent_decisions')
        .select(['decision_id', 'profile_id', 'origin_profile_id', 'purpose', 'granted', 'decided_at'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .where('seq', 'is', null)
        .execute()),
    );
  }
  return decisions.sort((a, b) => (a.decision_id < b.decision_id ? -1 : 1));
}
