import type { JourneyDefinition } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import type { Database } from '../store/index.js';
import { ENGINES, holderOf, openTestEngine, personRefOf, rowsMentioning } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

// Journeys' and static lists' holders on real runs: a journey adds each sign-up to a list, queues
// a task for them (an outside effect) and waits a day (a durable timer).

const JOURNEY_TABLES: readonly (keyof Database)[] = [
  'journey_runs',
  'journey_run_steps',
  'journey_timers',
  'journey_effects',
];

describe.each(ENGINES)('journeys’ and lists’ person data on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  const now = Date.parse('2026-03-02T08:00:00.000Z');
  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      segment: { clock: () => now },
      journeys: { timers: { clock: () => now } },
    });
  });
  afterAll(() => engine.dispose());

  async function twoPeopleInAJourney() {
    const { id: workspaceId } = await createWorkspace(engine.store, `journeys ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const list = await engine.lists.create(workspaceId, { name: 'New sign-ups' }, null);
    const definition = {
      name: 'Onboarding',
      entry: { kind: 'event', event: 'Signed Up', where: [] },
      steps: [
        { id: 'listed', kind: 'list', listId: list.id, action: 'add', next: 'call' },
        { id: 'call', kind: 'create_task', title: 'Welcome call', next: 'wait' },
        { id: 'wait', kind: 'delay', duration: '1d' },
      ],
    } as unknown as JourneyDefinition; // the contract's input, parsed by the service
    const journey = await engine.journeys.create(workspaceId, definition);
    await engine.journeys.publish(workspaceId, journey.id, { inFlight: 'stay' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: ['ann', 'bob'].map((userId) => ({
        type: 'track',
        userId,
        event: 'Signed Up',
        properties: { plan: `${userId}-plan` },
        messageId: `signup-${userId}`,
        timestamp: new Date(now).toISOString(),
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
    const ann = (await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id;
    const bob = (await engine.profiles.lookup(workspaceId, 'user_id', 'bob')).id;
    return { workspaceId, ann, bob };
  }

  const rowsOf = async (workspaceId: string, needles: string[]) =>
    Object.fromEntries(
      await Promise.all(
        [...JOURNEY_TABLES, 'static_list_members' as const].map(
          async (t) => [t, await rowsMentioning(engine, workspaceId, t, needles)] as const,
        ),
      ),
    );

  it('exports the journeys the person is in, with their path, and the lists they are on', async () => {
    const { workspaceId, ann } = await twoPeopleInAJourney();
    const person = await personRefOf(engine, workspaceId, ann);
    const journeys = (await holderOf(engine, 'journeys').exportPerson(person)) as {
      runs: { journey: string; status: string; trigger: unknown; path: { step: string }[] }[];
    };
    expect(journeys.runs).toHaveLength(1);
    expect(journeys.runs[0]).toMatchObject({ journey: 'Onboarding', status: 'active', currentStep: 'wait' });
    expect(journeys.runs[0]?.path.map((p) => p.step)).toEqual(['listed', 'call']);
    expect(JSON.stringify(journeys.runs[0]?.trigger)).toContain('ann-plan');
    expect(await holderOf(engine, 'lists').exportPerson(person)).toMatchObject({
      lists: [{ list: 'New sign-ups', addedAt: expect.any(String) }],
    });
  });

  it('erases the person’s runs, path, timers, effects and list memberships; the other’s stay', async () => {
    const { workspaceId, ann, bob } = await twoPeopleInAJourney();
    // A run's timer names only the run: the needles are each person's profile, plan and run id.
    const needlesOf = async (profileId: string, plan: string) => [
      profileId,
      plan,
      ...(await engine.journeys.profileRuns(workspaceId, profileId, { limit: 100 })).data.map(
        (run) => run.runId,
      ),
    ];
    const annNeedles = await needlesOf(ann, 'ann-plan');
    const bobNeedles = await needlesOf(bob, 'bob-plan');
    const annRows = await rowsOf(workspaceId, annNeedles);
    for (const [table, rows] of Object.entries(annRows)) expect(rows, table).toBeGreaterThan(0);
    const bobBefore = await rowsOf(workspaceId, bobNeedles);
    const person = await personRefOf(engine, workspaceId, ann);
    const counts = {
      ...(await holderOf(engine, 'journeys').erasePerson(person)),
      ...(await holderOf(engine, 'lists').erasePerson(person)),
    };
    expect(counts).toEqual(annRows);
    expect(await rowsOf(workspaceId, annNeedles)).toEqual(
      Object.fromEntries(Object.keys(annRows).map((t) => [t, 0])),
    );
    expect(await rowsOf(workspaceId, bobNeedles)).toEqual(bobBefore);
    for (const domain of ['journeys', 'lists'])
      expect(Object.values(await holderOf(engine, domain).erasePerson(person)).every((n) => n === 0)).toBe(
        true,
      );
  });

  it('anonymizes: runs and paths stay for the report under the anonymous id; the run is exited', async () => {
    const { workspaceId, ann } = await twoPeopleInAJourney();
    const countOf = async (table: 'journey_runs' | 'journey_run_steps' | 'journey_timers') =>
      Number(
        (
          await engine.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('workspace_id', '=', workspaceId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const [runs, steps] = [await countOf('journey_runs'), await countOf('journey_run_steps')];
    const annRuns = (await engine.journeys.profileRuns(workspaceId, ann, { limit: 100 })).data.map(
      (run) => run.runId,
    );
    const holder = holderOf(engine, 'journeys');
    if (!holder.anonymizePerson) throw new Error('journeys keep counts: they anonymize');
    const counts = await holder.anonymizePerson(
      await personRefOf(engine, workspaceId, ann),
      'prof_anonymous_1',
    );
    expect(counts).toMatchObject({
      journey_runs: 1,
      journey_run_steps: steps / 2,
      journey_timers: 1,
      journey_effects: 1,
    });
    expect([await countOf('journey_runs'), await countOf('journey_run_steps')]).toEqual([runs, steps]);
    expect(await countOf('journey_timers')).toBe(1);
    expect(await rowsOf(workspaceId, [ann, 'ann-plan'])).toMatchObject({
      journey_runs: 0,
      journey_run_steps: 0,
    });
    const kept = await engine.store.db
      .selectFrom('journey_runs')
      .select(['profile_id', 'status', 'trigger'])
      .where('workspace_id', '=', workspaceId)
      .where('run_id', 'in', annRuns)
      .execute();
    expect(kept).toEqual([{ profile_id: 'prof_anonymous_1', status: 'exited', trigger: null }]);
  });
});
