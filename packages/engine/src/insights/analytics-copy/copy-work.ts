import type { StoredEvent } from '@tandem/contract';
import type { Kysely, RawBuilder } from 'kysely';
import { takeTimeChanges } from '../../computed-traits/index.js';
import {
  eventsOfProfiles,
  type IdentityService,
  mergesCausedBy,
  profilesOfEvents,
} from '../../identity/index.js';
import type { ProfiledBatch, Rederivation } from '../../pipeline-runtime/index.js';
import type { Database } from '../../store/index.js';
import type {
  AnalyticsEventRow,
  AnalyticsMerge,
  AnalyticsPersonRow,
  AnalyticsStore,
} from '../analytics-store/index.js';
import { type PeopleReads, peopleRowsOf } from './analytics-people.js';
import { analyticsRowOf } from './event-rows.js';

export interface CopyDeps extends PeopleReads {
  readonly identity: IdentityService;
}

/**
 * What one workspace's share of a batch changes in the copy, read from the store before
 * anything is written (so the embedded copy's writes need no lock on the store).
 */
export interface CopyPlan {
  readonly workspaceId: string;
  /** Merged-away profiles and their survivors: their rows move, their people rows go. */
  readonly merges: readonly AnalyticsMerge[];
  readonly rows: readonly AnalyticsEventRow[];
  /** Every live profile the batch touched (any call, merges' survivors), as it is now. */
  readonly people: readonly AnalyticsPersonRow[];
}

/** Reads what a workspace's events of a batch change in the copy. */
export async function planWorkspace(
  db: Kysely<Database>,
  deps: CopyDeps,
  batch: { workspaceId: string; events: readonly StoredEvent[]; unified: ProfiledBatch | undefined },
): Promise<CopyPlan> {
  const { workspaceId, events, unified } = batch;
  const profileOf = unified
    ? unified.profileOf
    : await profilesOfEvents(
        db,
        workspaceId,
        events.map((e) => e.seq),
      );
  const merges = finalSurvivors(
    unified
      ? unified.merges.filter((m) => m.workspaceId === workspaceId)
      : await mergesOf(db, deps.identity, { workspaceId, events, profileOf }),
  );
  const rows: AnalyticsEventRow[] = [];
  const touched = new Set<string>();
  for (const event of events) {
    const profileId = profileOf.get(event.seq);
    // Every identifier refused: identity attributed the event to nobody.
    if (profileId === undefined) continue;
    touched.add(profileId);
    const row = analyticsRowOf(workspaceId, event, profileId);
    if (row) rows.push(row);
  }
  const merged = new Set(merges.map((m) => m.mergedId));
  for (const { survivorId } of merges) touched.add(survivorId);
  for (const id of merged) touched.delete(id);
  const people = await peopleRowsOf(db, deps, workspaceId, [...touched]);
  return { workspaceId, merges, rows, people };
}

/**
 * Writes a plan: the rows, then merged-away profiles' rows (those just written included: held
 * batches name a profile a later one merged away) moved to their survivors, then the people.
 */
export async function applyPlan(copy: AnalyticsStore, plan: CopyPlan): Promise<void> {
  await copy.append(plan.rows);
  await copy.repoint(plan.workspaceId, plan.merges);
  await copy.putPeople(plan.people);
}

/** Computed values time alone changed, taken per turn; more wait for the next. */
const TIME_CHANGES_PER_TURN = 2000;

/**
 * The people rows of profiles whose computed values time alone changed (no event touched them),
 * their flags cleared in `db`, the caller's transaction: the copy's people keep up with windows
 * moving on. `inPartition`: only the workspaces of the caller's pipeline partition.
 */
export async function timeChangedPeople(
  db: Kysely<Database>,
  deps: CopyDeps,
  inPartition?: RawBuilder<boolean>,
): Promise<AnalyticsPersonRow[]> {
  const byWorkspace = await takeTimeChanges(db, {
    consumer: 'analytics',
    limit: TIME_CHANGES_PER_TURN,
    inPartition,
  });
  const people: AnalyticsPersonRow[] = [];
  for (const [workspaceId, profileIds] of byWorkspace)
    people.push(...(await peopleRowsOf(db, deps, workspaceId, profileIds)));
  return people;
}

/**
 * Re-derives these profiles (an unmerge, a deletion): their rows and people rows replaced by
 * what is theirs now, from the events identity now gives each; a profile no longer live keeps none.
 */
export async function rederiveProfiles(
  db: Kysely<Database>,
  copy: AnalyticsStore,
  deps: CopyDeps,
  { workspaceId, profileIds }: Rederivation,
): Promise<void> {
  const eventsOf = await eventsOfProfiles(db, workspaceId, profileIds);
  const live: string[] = [];
  for (const profileId of profileIds) {
    if ((await deps.identity.resolveProfileId(workspaceId, profileId, db)) === profileId)
      live.push(profileId);
  }
  const rows = live.flatMap((profileId) =>
    (eventsOf.get(profileId) ?? []).flatMap((event) => analyticsRowOf(workspaceId, event, profileId) ?? []),
  );
  const people = await peopleRowsOf(db, deps, workspaceId, live);
  await copy.transaction(async (store) => {
    await store.removeProfiles(workspaceId, profileIds);
    await store.append(rows);
    await store.putPeople(people);
  });
}

/**
 * Each merged-away profile with the survivor it ends in: one statement re-points them all, so a
 * chain (a survivor merged away later) must point at its end.
 */
function finalSurvivors(merges: readonly AnalyticsMerge[]): AnalyticsMerge[] {
  const next = new Map(merges.map((m) => [m.mergedId, m.survivorId]));
  return [...next.keys()].map((mergedId) => {
    let survivorId = next.get(mergedId) ?? mergedId;
    for (let hops = 0; next.has(survivorId) && survivorId !== mergedId && hops < next.size; hops++)
      survivorId = next.get(survivorId) ?? survivorId;
    return { mergedId, survivorId };
  });
}

/** Merges these events caused, each merged-away profile with the live profile it is part of now. */
async function mergesOf(
  db: Kysely<Database>,
  identity: IdentityService,
  batch: { workspaceId: string; events: readonly StoredEvent[]; profileOf: ReadonlyMap<number, string> },
): Promise<AnalyticsMerge[]> {
  const { merged } = await mergesCausedBy(db, batch.workspaceId, batch.events, batch.profileOf);
  const merges: AnalyticsMerge[] = [];
  for (const mergedId of merged) {
    const survivorId = await identity.resolveProfileId(batch.workspaceId, mergedId, db);
    if (survivorId !== undefined && survivorId !== mergedId) merges.push({ mergedId, survivorId });
  }
  return merges;
}
