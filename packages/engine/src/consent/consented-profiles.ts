import { type ConsentMode, NECESSARY_PURPOSE, type PurposeState } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';
import { BUILT_IN_DEFAULT_MODE, BUILT_IN_PURPOSES, modeOf, readConfiguration } from './consent-purposes.js';

/**
 * The ids (of those given) whose current consent grants every one of `purposes`: for each purpose,
 * the profile's latest decision, or when it never decided, the purpose's default (the workspace's
 * unless the purpose sets its own). `necessary` is always granted; a purpose the workspace does
 * not define is granted to no one. One query per call (per 1,000 profiles).
 */
export async function consentedProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  purposes: readonly string[],
): Promise<ReadonlySet<string>> {
  const required = [...new Set(purposes)].filter((p) => p !== NECESSARY_PURPOSE);
  if (required.length === 0 || profileIds.length === 0) return new Set(profileIds);
  const consented = new Set<string>();
  for (const chunk of chunksOf([...new Set(profileIds)])) {
    // Decisions, purpose defaults and the workspace default in one round trip.
    const rows = await db
      .selectFrom('consent_states')
      .select([
        sql<string>`'decision'`.as('kind'),
        'profile_id as profileId',
        'purpose as purpose',
        'granted as granted',
        sql<string | null>`cast(null as text)`.as('mode'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .where('purpose', 'in', required)
      .unionAll(
        db
          .selectFrom('consent_purposes')
          .select([
            sql<string>`'purpose'`.as('kind'),
            sql<string>`cast(null as text)`.as('profileId'),
            'purpose_key as purpose',
            sql<number>`cast(null as integer)`.as('granted'),
            'default_mode as mode',
          ])
          .where('workspace_id', '=', workspaceId)
          .where('purpose_key', 'in', required),
      )
      .unionAll(
        db
          .selectFrom('consent_settings')
          .select([
            sql<string>`'workspace'`.as('kind'),
            sql<string>`cast(null as text)`.as('profileId'),
            sql<string>`cast(null as text)`.as('purpose'),
            sql<number>`cast(null as integer)`.as('granted'),
            'default_mode as mode',
          ])
          .where('workspace_id', '=', workspaceId),
      )
      .execute();
    const defaults = defaultsOf(rows, required);
    const decided = new Map<string, Map<string, boolean>>();
    for (const row of rows) {
      if (row.kind !== 'decision') continue;
      const ofProfile = decided.get(row.profileId) ?? new Map<string, boolean>();
      decided.set(row.profileId, ofProfile.set(row.purpose, Number(row.granted) === 1));
    }
    for (const profileId of chunk) {
      const ofProfile = decided.get(profileId);
      // A purpose the workspace does not define (any more) is granted by no one, decisions or not.
      const grants = (purpose: string) =>
        defaults.has(purpose) && (ofProfile?.get(purpose) ?? defaults.get(purpose) === true);
      if (required.every(grants)) consented.add(profileId);
    }
  }
  return consented;
}

/** Each required purpose's default (true: granted), absent when not defined, from the rows above. */
function defaultsOf(
  rows: readonly { kind: string; purpose: string; mode: string | null }[],
  required: readonly string[],
): Map<string, boolean> {
  const workspaceRow = rows.find((row) => row.kind === 'workspace');
  // No settings row: the workspace still has the built-in purposes and default.
  const defined = workspaceRow
    ? new Map(rows.filter((row) => row.kind === 'purpose').map((row) => [row.purpose, modeOf(row.mode)]))
    : new Map(BUILT_IN_PURPOSES.map((purpose) => [purpose.key, purpose.defaultMode]));
  const workspaceMode = modeOf(workspaceRow?.mode ?? null) ?? BUILT_IN_DEFAULT_MODE;
  const defaults = new Map<string, boolean>();
  for (const purpose of required) {
    if (!defined.has(purpose)) continue;
    const mode: ConsentMode = defined.get(purpose) ?? workspaceMode;
    defaults.set(purpose, mode === 'opt-out');
  }
  return defaults;
}

/**
 * A live profile's current consent on each of the workspace's purposes (for personalization and
 * the profile page): its latest decision, else the default.
 */
export async function consentOf(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
): Promise<Record<string, PurposeState>> {
  const configuration = await readConfiguration(db, workspaceId);
  const rows = await db
    .selectFrom('consent_states')
    .select(['purpose', 'granted', 'decided_at'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .execute();
  const decided = new Map(rows.map((row) => [row.purpose, row]));
  const state: Record<string, PurposeState> = {};
  for (const purpose of configuration.purposes) {
    const decision = decided.get(purpose.key);
    if (purpose.key === NECESSARY_PURPOSE)
      state[purpose.key] = { granted: true, updatedAt: decision?.decided_at ?? null, basis: 'necessary' };
    else if (decision)
      state[purpose.key] = {
        granted: decision.granted === 1,
        updatedAt: decision.decided_at,
        basis: 'decision',
      };
    else {
      const mode = purpose.defaultMode ?? configuration.defaultMode;
      state[purpose.key] = { granted: mode === 'opt-out', updatedAt: null, basis: 'default' };
    }
  }
  return state;
}
