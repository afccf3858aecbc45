import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type IdentityService, mergesCausedBy, profilesOfEvents } from '../identity/index.js';
import {
  type AfterCommit,
  FollowerBatches,
  type PipelineStage,
  type ProfiledBatch,
  type Rederivation,
  resetCheckpoints,
  type StageBatch,
} from '../pipeline-runtime/index.js';
import type { Database, Store } from '../store/index.js';
import { entryMatches, isMachineEngagement, whereHolds } from './journey-matching.js';
import { type JourneyRunner, JourneyWrites, runStateOf } from './journey-runner.js';
import { journeyMs } from './journey-timing.js';
import { addTo, type RunState } from './journey-writes.js';

export const JOURNEYS_STAGE = 'journeys';

export interface JourneysStageOptions {
  readonly batchSize?: number | undefined;
  readonly partitions?: number | undefined;
  /** The stage it follows (lead scoring). */
  readonly feeder: string;
}

/**
 * The log's consumer after lead scoring (checkpoint `journeys`): for each event of a person, in
 * log order, first their runs (a goal reached, an exit condition met, a wait matched), then the
 * live journeys it starts (event, CRM change, audience entered or exited; re-entry rules). A
 * merged-away profile's runs follow the survivor. Effects and checkpoint commit together.
 */
export class JourneysStage implements PipelineStage {
  readonly name = JOURNEYS_STAGE;

  private readonly batches: FollowerBatches;

  constructor(
    store: Store,
    private readonly deps: { runner: JourneyRunner; identity: IdentityService; clock: () => number },
    options: JourneysStageOptions,
  ) {
    this.batches = new FollowerBatches(store, {
      stage: JOURNEYS_STAGE,
      feeder: options.feeder,
      partitions: options.partitions ?? 1,
      batchSize: options.batchSize ?? 2000,
    });
  }

  prepare(): Promise<void> {
    return this.batches.prepare();
  }

  processBatch(handOff?: ProfiledBatch): Promise<StageBatch> {
    return this.batches.process(handOff, {
      applyWorkspace: (trx, { workspaceId, entries, unified }) =>
        this.applyWorkspace(trx, { workspaceId, events: entries.map((entry) => entry.event), unified }),
    });
  }

  /** Runs are not derived from the log alone (timers, effects): a rebuild keeps them, moving on. */
  async reset(db: Kysely<Database>): Promise<void> {
    await resetCheckpoints(db, JOURNEYS_STAGE);
  }

  /** Runs of profiles merged away follow their survivor; a deleted profile's runs go. */
  async rederive(db: Kysely<Database>, change: Rederivation): Promise<AfterCommit | undefined> {
    const afters: AfterCommit[] = [];
    for (const profileId of change.profileIds) {
      const live = await this.deps.identity.resolveProfileId(change.workspaceId, profileId, db);
      if (live === undefined || live === null) await forgetProfile(db, change.workspaceId, profileId);
      else if (live !== profileId)
        afters.push(await this.follow(db, change.workspaceId, [{ mergedId: profileId, survivorId: live }]));
    }
    return () => {
      for (const after of afters) after();
    };
  }

  private async applyWorkspace(
    trx: Kysely<Database>,
    batch: { workspaceId: string; events: readonly StoredEvent[]; unified: ProfiledBatch | undefined },
  ): Promise<AfterCommit> {
    const { workspaceId, events, unified } = batch;
    // Merges the unify batch made move runs whatever the journeys' status (paused, archived).
    const afters: AfterCommit[] = [];
    const handed = unified ? unified.merges.filter((m) => m.workspaceId === workspaceId) : [];
    if (handed.length > 0) afters.push(await this.follow(trx, workspaceId, handed));
    const live = await trx
      .selectFrom('journeys')
      .select(['journey_id', 'version', 'entry_event'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'live')
      .execute();
    const done = () => {
      for (const after of afters) after();
    };
    if (live.length === 0) return done;
    const profileOf = new Map<number, string>();
    if (unified) {
      for (const { seq } of events) {
        const profileId = unified.profileOf.get(seq);
        if (profileId !== undefined) profileOf.set(seq, profileId);
      }
    } else {
      for (const [seq, id] of await profilesOfEvents(
        trx,
        workspaceId,
        events.map((e) => e.seq),
      ))
        profileOf.set(seq, id);
      const merges = await this.mergesOf(trx, workspaceId, events, profileOf);
      if (merges.length > 0) afters.push(await this.follow(trx, workspaceId, merges));
    }
    afters.push(await this.applyEvents(trx, workspaceId, events, profileOf, live));
    return done;
  }

  /** Each event of a person: their runs first (goal, exit, waits), then the journeys it starts. */
  private async applyEvents(
    trx: Kysely<Database>,
    workspaceId: string,
    events: readonly StoredEvent[],
    profileOf: ReadonlyMap<number, string>,
    live: readonly { journey_id: string; version: number; entry_event: string | null }[],
  ): Promise<AfterCommit> {
    const tracks = events.filter(
      (e) => e.type === 'track' && e.event !== null && profileOf.has(e.seq) && !isMachineEngagement(e),
    );
    if (tracks.length === 0) return () => {};
    const profileIds = [...new Set(tracks.map((e) => profileOf.get(e.seq) as string))]; // filtered above
    const liveIds = new Set(live.map((j) => j.journey_id));
    const runsOf = new Map<string, RunState[]>();
    for (let i = 0; i < profileIds.length; i += 500) {
      // Found by person, the journeys filtered here: SQLite without statistics would otherwise
      // walk every run of the journey (journey_runs_by_step) to find these people's.
      const rows = await trx
        .selectFrom('journey_runs')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', profileIds.slice(i, i + 500))
        .where((eb) =>
          eb.or([eb('status', '=', 'active'), eb.and([eb('holdout', '=', 1), eb('status', '=', 'exited')])]),
        )
        .execute();
      for (const row of rows) if (liveIds.has(row.journey_id)) addTo(runsOf, row.profile_id, runStateOf(row));
    }
    const starters = new Map<string, (typeof live)[number][]>();
    for (const j of live) if (j.entry_event) addTo(starters, j.entry_event, j);
    const history = await this.entryHistory(trx, workspaceId, profileIds, tracks, starters);
    const writes = new JourneyWrites();
    const now = this.deps.clock();
    for (const event of tracks) {
      const profileId = profileOf.get(event.seq) as string; // filtered above
      const name = event.event as string; // track events have a name (filtered above)
      const properties = (event.payload.properties ?? {}) as Record<string, unknown>; // a track call's properties object
      for (const run of runsOf.get(profileId) ?? []) {
        const journey = await this.deps.runner.version(trx, workspaceId, run.journeyId, run.version);
        const settings = journey.definition.settings;
        if (
          settings?.goal &&
          name === settings.goal.event &&
          whereHolds(settings.goal.where, properties, now)
        ) {
          if (run.status === 'active') this.deps.runner.end(writes, run, 'converted', 'goal');
          else if (run.holdout && run.status === 'exited')
            this.deps.runner.end(writes, run, 'converted', 'goal');
          continue;
        }
        if (run.status !== 'active') continue;
        if (
          settings?.exitWhen &&
          name === settings.exitWhen.event &&
          whereHolds(settings.exitWhen.where, properties, now)
        ) {
          this.deps.runner.end(writes, run, 'exited', 'exit_condition');
          continue;
        }
        if (run.waitingFor !== name || run.stepId === null) continue;
        const step = journey.steps.get(run.stepId);
        const matched =
          step?.kind === 'wait_for_event'
            ? whereHolds(step.where, properties, now)
            : step?.kind === 'wait_for_audience'
              ? properties.audienceId === step.audienceId
              : false;
        if (matched) await this.deps.runner.resume(trx, writes, run, journey, 'matched');
      }
      for (const starter of starters.get(name) ?? []) {
        const journey = await this.deps.runner.version(trx, workspaceId, starter.journey_id, starter.version);
        if (!entryMatches(journey.definition.entry, { name, properties }, now)) continue;
        const key = `${starter.journey_id}/${profileId}`;
        const past = history.get(key);
        const settings = journey.definition.settings;
        const reEntry = settings?.reEntry ?? 'never';
        if (past) {
          if (reEntry === 'never') continue;
          if (reEntry === 'after_exit' && past.active > 0) continue;
          if (
            settings?.reEntryAfter &&
            Date.parse(past.lastEnteredAt) + journeyMs(settings.reEntryAfter) > now
          )
            continue;
        }
        const run = await this.deps.runner.enter(trx, writes, {
          workspaceId,
          journey,
          profileId,
          trigger: { event: name, properties, timestamp: event.timestamp, messageId: event.messageId },
        });
        history.set(key, {
          active: (past?.active ?? 0) + (run.status === 'active' ? 1 : 0),
          lastEnteredAt: run.enteredAt,
        });
        addTo(runsOf, profileId, run);
      }
    }
    return this.deps.runner.commit(trx, writes);
  }

  /** Each (journey, person) that these events may start: whether they were in it, are in it now, last entry. */
  private async entryHistory(
    trx: Kysely<Database>,
    workspaceId: string,
    profileIds: readonly string[],
    tracks: readonly StoredEvent[],
    starters: ReadonlyMap<string, readonly { journey_id: string }[]>,
  ): Promise<Map<string, { active: number; lastEnteredAt: string }>> {
    const journeyIds = new Set<string>();
    for (const e of tracks)
      for (const s of starters.get(e.event as string) ?? []) journeyIds.add(s.journey_id);
    const history = new Map<string, { active: number; lastEnteredAt: string }>();
    if (journeyIds.size === 0) return history;
    for (let i = 0; i < profileIds.length; i += 500) {
      // The people's runs, summed up here: with a GROUP BY, SQLite without statistics walked
      // every run of the workspace in journey order to skip a sort (seconds at a million runs).
      const rows = await trx
        .selectFrom('journey_runs')
        .select(['journey_id', 'profile_id', 'entered_at', 'status'])
        .where('workspace_id', '=', workspaceId)
        // By person only, as above: the journeys they may enter are picked here.
        .where('profile_id', 'in', profileIds.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        if (!journeyIds.has(row.journey_id)) continue;
        const key = `${row.journey_id}/${row.profile_id}`;
        const seen = history.get(key) ?? { active: 0, lastEnteredAt: row.entered_at };
        if (row.status === 'active') seen.active += 1;
        if (row.entered_at > seen.lastEnteredAt) seen.lastEnteredAt = row.entered_at;
        history.set(key, seen);
      }
    }
    return history;
  }

  /** The merges these events caused, each merged-away profile with its survivor. */
  private async mergesOf(
    trx: Kysely<Database>,
    workspaceId: string,
    events: readonly StoredEvent[],
    profileOf: ReadonlyMap<number, string>,
  ): Promise<{ mergedId: string; survivorId: string }[]> {
    const { merged } = await mergesCausedBy(trx, workspaceId, events, profileOf);
    const pairs: { mergedId: string; survivorId: string }[] = [];
    for (const mergedId of merged) {
      const survivorId = await this.deps.identity.resolveProfileId(workspaceId, mergedId, trx);
      if (survivorId && survivorId !== mergedId) pairs.push({ mergedId, survivorId });
    }
    return pairs;
  }

  /**
   * A merged-away profile's runs, path and effects become the survivor's; where both were in the
   * same journey at once, the later run exits (a person is in a journey once).
   */
  private async follow(
    db: Kysely<Database>,
    workspaceId: string,
    merges: readonly { mergedId: string; survivorId: string }[],
  ): Promise<AfterCommit> {
    const survivors = new Set<string>();
    for (const { mergedId, survivorId } of merges) {
      const moved = await db
        .updateTable('journey_runs')
        .set({ profile_id: survivorId })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', mergedId)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) continue;
      survivors.add(survivorId);
      for (const table of ['journey_run_steps', 'journey_effects'] as const)
        await db
          .updateTable(table)
          .set({ profile_id: survivorId })
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', '=', mergedId)
          .execute();
    }
    if (survivors.size === 0) return () => {};
    const active = await db
      .selectFrom('journey_runs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', [...survivors])
      .where('status', '=', 'active')
      .orderBy('entered_at')
      .execute();
    const writes = new JourneyWrites();
    const seen = new Set<string>();
    for (const row of active) {
      const key = `${row.journey_id}/${row.profile_id}`;
      if (seen.has(key)) this.deps.runner.end(writes, runStateOf(row), 'exited', 'merged');
      seen.add(key);
    }
    return this.deps.runner.commit(db, writes);
  }
}

/** A deleted profile: nothing of theirs is kept (privacy deletion). */
async function forgetProfile(db: Kysely<Database>, workspaceId: string, profileId: string): Promise<void> {
  const runIds = (
    await db
      .selectFrom('journey_runs')
      .select('run_id')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .execute()
  ).map((r) => r.run_id);
  for (let i = 0; i < runIds.length; i += 500)
    await db
      .deleteFrom('journey_timers')
      .where('workspace_id', '=', workspaceId)
      .where('run_id', 'in', runIds.slice(i, i + 500))
      .execute();
  for (const table of ['journey_run_steps', 'journey_effects', 'journey_runs'] as const)
    await db
      .deleteFrom(table)
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .execute();
}
