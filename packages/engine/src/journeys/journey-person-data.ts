import {
  isPersonsRow,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
} from '../person-data/index.js';
import { fromJson, type Store } from '../store/index.js';

/**
 * Journeys' share of a person: their runs (with the event that started each), the runs' durable
 * timers, the path of steps they took and the outside effects queued for them (payloads included).
 */
export class JourneyPersonData implements PersonDataHolder {
  readonly domain = 'journeys';

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const { db } = this.store;
    const runs = await db
      .selectFrom('journey_runs as run')
      .innerJoin('journeys as journey', (join) =>
        join
          .onRef('journey.workspace_id', '=', 'run.workspace_id')
          .onRef('journey.journey_id', '=', 'run.journey_id'),
      )
      .select([
        'run.run_id',
        'journey.name',
        'run.version',
        'run.status',
        'run.step_id',
        'run.trigger',
        'run.entered_at',
        'run.ended_at',
      ])
      .where('run.workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'run.profile_id' }))
      .orderBy('run.entered_at')
      .execute();
    const steps = await db
      .selectFrom('journey_run_steps')
      .select(['run_id', 'seq', 'step_id', 'kind', 'outcome', 'at'])
      .where('workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'profile_id' }))
      .orderBy('seq')
      .execute();
    return {
      runs: runs.map((run) => ({
        journey: run.name,
        version: run.version,
        status: run.status,
        currentStep: run.step_id,
        trigger: run.trigger === null ? null : fromJson<unknown>(run.trigger),
        enteredAt: run.entered_at,
        endedAt: run.ended_at,
        path: steps
          .filter((step) => step.run_id === run.run_id)
          .map((step) => ({ step: step.step_id, kind: step.kind, outcome: step.outcome, at: step.at })),
      })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const { db } = this.store;
    const tally = new PersonDataTally();
    const runIds = await this.runIdsOf(person);
    // Timers first: a sweep never wakes a run whose row is already gone.
    await tally.inChunks(
      ['journey_timers', 'journey_effects', 'journey_run_steps', 'journey_runs'] as const,
      runIds,
      (table, chunk) =>
        db
          .deleteFrom(table)
          .where('workspace_id', '=', person.workspaceId)
          .where('run_id', 'in', chunk)
          .executeTakeFirst(),
    );
    // Steps and effects recorded under one of the person's profile ids on a run since re-keyed.
    for (const table of ['journey_effects', 'journey_run_steps'] as const)
      tally.add(
        table,
        await db
          .deleteFrom(table)
          .where('workspace_id', '=', person.workspaceId)
          .where(isPersonsRow(person, { profileId: 'profile_id' }))
          .executeTakeFirst(),
      );
    return tally.counts;
  }

  /**
   * Keeps the runs and their paths for the journey report (entered, by status, by step) under
   * the anonymous profile, without the triggering event; a run still going is exited and its
   * timers and pending effects dropped, so nothing more happens to someone no longer known.
   */
  async anonymizePerson(person: PersonRef, anonymousProfileId: string): Promise<PersonDataCounts> {
    const { db } = this.store;
    const tally = new PersonDataTally();
    const endedAt = new Date(this.clock()).toISOString();
    const runIds = await this.runIdsOf(person);
    await tally.inChunks(['journey_timers', 'journey_effects'] as const, runIds, (table, chunk) =>
      db
        .deleteFrom(table)
        .where('workspace_id', '=', person.workspaceId)
        .where('run_id', 'in', chunk)
        .executeTakeFirst(),
    );
    await tally.inChunks(['journey_runs'], runIds, async (_, chunk) => {
      await db
        .updateTable('journey_runs')
        .set({ status: 'exited', waiting_for: null, ended_at: endedAt })
        .where('workspace_id', '=', person.workspaceId)
        .where('run_id', 'in', chunk)
        .where('status', '=', 'active')
        .execute();
      return db
        .updateTable('journey_runs')
        .set({ profile_id: anonymousProfileId, trigger: null })
        .where('workspace_id', '=', person.workspaceId)
        .where('run_id', 'in', chunk)
        .executeTakeFirst();
    });
    await tally.inChunks(['journey_run_steps'], runIds, (_, chunk) =>
      db
        .updateTable('journey_run_steps')
        .set({ profile_id: anonymousProfileId })
        .where('workspace_id', '=', person.workspaceId)
        .where('run_id', 'in', chunk)
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  /** The runs of the person (under any of their profile ids). */
  private async runIdsOf(person: PersonRef): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('journey_runs')
      .select('run_id')
      .where('workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'profile_id' }))
      .execute();
    return rows.map((row) => row.run_id);
  }
}
