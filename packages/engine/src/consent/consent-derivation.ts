import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { chunksOf, eventsOfProfiles, type IdentityService, profilesOfEvents } from '../identity/index.js';
import { newId } from '../ids/index.js';
import type { Database } from '../store/index.js';
import { type FlipCause, FlipWatch, flipsBetween, recordFlips } from './consent-changes.js';
import { purposeMatcher, readConfiguration } from './consent-purposes.js';
import {
  type ConsentStandings,
  type DecisionRecord,
  foldDecision,
  forgetStandings,
  insertDecisions,
  loadStandings,
  type PurposeStanding,
  recordedDecisionsOf,
  replaceStandings,
  saveStandings,
} from './consent-states.js';
import { decisionTime, preferencesOf, proofOf } from './event-preferences.js';

/**
 * In the caller's transaction: the consent these events carry, folded into their profiles'
 * standings (the latest decision wins) and kept in history where it changes what was decided.
 * Categories that name no purpose are kept in history only. Where the effective state of a purpose
 * flips, the flip is kept for destinations (its cause: the event that switched it). Returns the
 * events that carried consent.
 */
export async function applyConsentEvents(
  db: Kysely<Database>,
  workspaceId: string,
  input: { events: readonly StoredEvent[]; profileOf: ReadonlyMap<number, string>; recordedAt: string },
): Promise<number> {
  const carrying = input.events.flatMap((event) => {
    const profileId = input.profileOf.get(event.seq);
    const preferences = profileId === undefined ? undefined : preferencesOf(event);
    return profileId !== undefined && preferences ? [{ event, profileId, preferences }] : [];
  });
  if (carrying.length === 0) return 0;
  const configuration = await readConfiguration(db, workspaceId);
  const match = purposeMatcher(configuration.purposes);
  const flips = new FlipWatch(configuration);
  const profileIds = [...new Set(carrying.map((c) => c.profileId))];
  const standings = await loadStandings(db, workspaceId, profileIds);
  const unmatched = carrying.some((c) => c.preferences.some(([category]) => match(category) === undefined));
  const unknown = unmatched ? await unknownCategoryStandings(db, workspaceId, profileIds) : new Map();
  const decisions: DecisionRecord[] = [];
  // Only the standings a decision moved are written back.
  const moved: ConsentStandings = new Map();
  for (const { event, profileId, preferences } of carrying) {
    const at = decisionTime(event.timestamp);
    const proof = proofOf(event);
    for (const [category, granted] of preferences) {
      const purpose = match(category);
      let differs: boolean;
      if (purpose) {
        const ofProfile = standingsOf(standings, profileId);
        const before = ofProfile.get(purpose);
        differs = foldDecision(ofProfile, purpose, { granted, at });
        const after = ofProfile.get(purpose);
        if (after !== before && after) {
          standingsOf(moved, profileId).set(purpose, after);
          const cause = { key: event.id, recordedAt: event.receivedAt };
          flips.moved(profileId, purpose, { previous: before, next: after, cause });
        }
      } else differs = foldDecision(standingsOf(unknown, profileId), category, { granted, at });
      if (!differs) continue;
      decisions.push({
        decisionId: newId('consentDecision'),
        profileId,
        category,
        purpose,
        granted,
        decidedAt: at,
        recordedAt: input.recordedAt,
        sourceKind: 'event',
        sourceId: event.sourceId,
        eventId: event.id,
        seq: event.seq,
        ...proof,
      });
    }
  }
  await insertDecisions(db, workspaceId, decisions);
  await saveStandings(db, workspaceId, moved);
  await recordFlips(db, flips.flipsIn(workspaceId, standings));
  return carrying.length;
}

/**
 * In the caller's transaction: what merged-away profiles decided now counts for the live profile
 * they merged into (its history holds both; per purpose, the decision made last wins). A purpose
 * the survivor's effective state flips on is kept for destinations, as `merge:<merged id>`;
 * `recordedAt` is when the merge was learnt (its batch's latest event).
 */
export async function foldMergedConsent(
  db: Kysely<Database>,
  workspaceId: string,
  input: { merges: readonly { survivorId: string; mergedId: string }[]; recordedAt: string },
): Promise<void> {
  const { merges } = input;
  if (merges.length === 0) return;
  const mergedBySurvivor = new Map<string, string[]>();
  for (const { survivorId, mergedId } of merges)
    mergedBySurvivor.set(survivorId, [...(mergedBySurvivor.get(survivorId) ?? []), mergedId]);
  for (const [survivorId, mergedIds] of mergedBySurvivor) {
    for (const chunk of chunksOf(mergedIds)) {
      await db
        .updateTable('consent_decisions')
        .set({ profile_id: survivorId })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .execute();
    }
  }
  const mergedIds = merges.map((m) => m.mergedId);
  const standings = await loadStandings(db, workspaceId, [...mergedBySurvivor.keys(), ...mergedIds]);
  const survivors: ConsentStandings = new Map();
  const flips = new FlipWatch(await readConfiguration(db, workspaceId));
  for (const { survivorId, mergedId } of merges) {
    const target = standingsOf(standings, survivorId);
    const cause = { key: `merge:${mergedId}`, recordedAt: input.recordedAt };
    for (const [purpose, standing] of standings.get(mergedId) ?? []) {
      const previous = target.get(purpose);
      foldDecision(target, purpose, standing);
      const next = target.get(purpose);
      if (next && next !== previous) flips.moved(survivorId, purpose, { previous, next, cause });
    }
    survivors.set(survivorId, target);
  }
  await forgetStandings(db, workspaceId, mergedIds);
  await saveStandings(db, workspaceId, survivors);
  await recordFlips(db, flips.flipsIn(workspaceId, survivors));
}

/**
 * In the caller's transaction, after identity split a merge or events were removed: each decision
 * goes back to the profile it belongs to (an event's to the event's profile, an API decision to
 * the profile it was recorded for), and the profiles' standings are folded again from their
 * events (those up to `upToSeq`, which the stage has consumed) and their API decisions. A purpose
 * whose effective state turns is kept for destinations, keyed by `cause`.
 */
export async function rederiveConsent(
  db: Kysely<Database>,
  options: {
    identity: IdentityService;
    workspaceId: string;
    profileIds: readonly string[];
    upToSeq: number;
    cause: FlipCause;
  },
): Promise<void> {
  const { workspaceId, profileIds } = options;
  const before = await loadStandings(db, workspaceId, profileIds);
  await repointEventDecisions(db, workspaceId, profileIds);
  await repointRecordedDecisions(db, options);
  const configuration = await readConfiguration(db, workspaceId);
  const match = purposeMatcher(configuration.purposes);
  const eventsOf = await eventsOfProfiles(db, workspaceId, profileIds);
  const standings: ConsentStandings = new Map(profileIds.map((id) => [id, new Map()]));
  for (const [profileId, events] of eventsOf) {
    const target = standingsOf(standings, profileId);
    for (const event of events) {
      if (event.seq > options.upToSeq) continue;
      const at = decisionTime(event.timestamp);
      for (const [category, granted] of preferencesOf(event) ?? []) {
        const purpose = match(category);
        if (purpose) foldDecision(target, purpose, { granted, at });
      }
    }
  }
  for (const decision of await recordedDecisionsOf(db, workspaceId, profileIds)) {
    if (decision.purpose === null) continue;
    foldDecision(standingsOf(standings, decision.profile_id), decision.purpose, {
      granted: decision.granted === 1,
      at: decision.decided_at,
    });
  }
  await replaceStandings(db, workspaceId, standings);
  await recordFlips(
    db,
    flipsBetween(configuration, workspaceId, { before, after: standings }, options.cause),
  );
}

/**
 * In the caller's transaction, before a replay of the log: what events decided goes (the replay
 * decides it again); decisions recorded through the API stay, back on the profile they were
 * recorded for (profile ids survive a rebuild), and the standings start from them alone.
 */
export async function resetConsent(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('consent_decisions').where('seq', 'is not', null).execute();
  await db
    .updateTable('consent_decisions')
    .set((eb) => ({ profile_id: eb.ref('origin_profile_id') }))
    .execute();
  await db.deleteFrom('consent_states').execute();
  const recorded = await db
    .selectFrom('consent_decisions')
    .select(['workspace_id', 'profile_id', 'purpose', 'granted', 'decided_at'])
    .where('purpose', 'is not', null)
    .orderBy('workspace_id')
    .orderBy('decision_id')
    .execute();
  const byWorkspace = new Map<string, ConsentStandings>();
  for (const decision of recorded) {
    const standings = byWorkspace.get(decision.workspace_id) ?? new Map();
    byWorkspace.set(decision.workspace_id, standings);
    if (decision.purpose !== null)
      foldDecision(standingsOf(standings, decision.profile_id), decision.purpose, {
        granted: decision.granted === 1,
        at: decision.decided_at,
      });
  }
  for (const [workspaceId, standings] of byWorkspace) await saveStandings(db, workspaceId, standings);
}

/** Event decisions follow the events: to the profile identity now gives each event. */
async function repointEventDecisions(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
) {
  const rows = [];
  for (const chunk of chunksOf(profileIds)) {
    rows.push(
      ...(await db
        .selectFrom('consent_decisions')
        .select(['decision_id', 'seq', 'profile_id'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .where('seq', 'is not', null)
        .execute()),
    );
  }
  const profileOf = await profilesOfEvents(
    db,
    workspaceId,
    rows.map((row) => Number(row.seq)),
  );
  const moves = new Map<string, string[]>();
  for (const row of rows) {
    const now = profileOf.get(Number(row.seq));
    if (now !== undefined && now !== row.profile_id)
      moves.set(now, [...(moves.get(now) ?? []), row.decision_id]);
  }
  await moveDecisions(db, workspaceId, moves);
}

/** API decisions follow the profile they were recorded for (or the one it is part of now). */
async function repointRecordedDecisions(
  db: Kysely<Database>,
  options: { identity: IdentityService; workspaceId: string; profileIds: readonly string[] },
) {
  const { workspaceId } = options;
  const moves = new Map<string, string[]>();
  const liveOf = new Map<string, string>();
  for (const decision of await recordedDecisionsOf(db, workspaceId, options.profileIds)) {
    const origin = decision.origin_profile_id;
    if (!liveOf.has(origin))
      liveOf.set(origin, (await options.identity.resolveProfileId(workspaceId, origin, db)) ?? origin);
    const live = liveOf.get(origin) ?? origin;
    if (live !== decision.profile_id) moves.set(live, [...(moves.get(live) ?? []), decision.decision_id]);
  }
  await moveDecisions(db, workspaceId, moves);
}

async function moveDecisions(
  db: Kysely<Database>,
  workspaceId: string,
  moves: ReadonlyMap<string, string[]>,
) {
  for (const [profileId, decisionIds] of moves) {
    for (const chunk of chunksOf(decisionIds)) {
      await db
        .updateTable('consent_decisions')
        .set({ profile_id: profileId })
        .where('workspace_id', '=', workspaceId)
        .where('decision_id', 'in', chunk)
        .execute();
    }
  }
}

/** The latest decision on each unknown category, per profile (history-only categories). */
async function unknownCategoryStandings(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<ConsentStandings> {
  const standings: ConsentStandings = new Map();
  for (const chunk of chunksOf(profileIds)) {
    const rows = await db
      .selectFrom('consent_decisions')
      .select(['profile_id', 'category', 'granted', 'decided_at'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .where('purpose', 'is', null)
      .orderBy('decision_id')
      .execute();
    for (const row of rows)
      foldDecision(standingsOf(standings, row.profile_id), row.category, {
        granted: row.granted === 1,
        at: row.decided_at,
      });
  }
  return standings;
}

function standingsOf(standings: ConsentStandings, profileId: string): Map<string, PurposeStanding> {
  let ofProfile = standings.get(profileId);
  if (!ofProfile) {
    ofProfile = new Map();
    standings.set(profileId, ofProfile);
  }
  return ofProfile;
}
