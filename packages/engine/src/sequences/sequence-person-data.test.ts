import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, holderOf, openTestEngine, personRefOf, rowsMentioning } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const SEQUENCE_TABLES = ['sequence_enrollments', 'sequence_step_runs'] as const;
const DAY = 86_400_000;

describe.each(ENGINES)('sequences’ person data on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = Date.parse('2026-12-01T09:00:00Z');
  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      sequences: { replyDomain: 'replies.acme.test', clock: () => now },
    });
  });
  afterAll(() => engine.dispose());

  /** Ann and Bob enrolled in a sequence whose first step (a call task) has run for both. */
  async function twoPeopleEnrolled() {
    const { id: workspaceId } = await createWorkspace(engine.store, `seq ${Math.random()}`);
    const ann = (
      await engine.people.create(workspaceId, { email: 'ann@customer.test', name: 'Ann' }, 'usr_rep')
    ).profileId;
    const bob = (
      await engine.people.create(workspaceId, { email: 'bob@customer.test', name: 'Bob' }, 'usr_rep')
    ).profileId;
    const sequence = await engine.sequences.create(
      workspaceId,
      {
        name: 'Outbound',
        steps: [
          { id: 'call', kind: 'task', title: 'Call them' },
          { id: 'again', kind: 'task', title: 'Call again', delay: '3d' },
        ],
      },
      'usr_rep',
    );
    await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [ann, bob] }, 'usr_rep');
    now += DAY;
    expect(await engine.sequenceScheduler.runDue()).toMatchObject({ stepsRun: 2 });
    return { workspaceId, ann, bob };
  }

  const rowsOf = async (workspaceId: string, needles: string[]) =>
    Object.fromEntries(
      await Promise.all(
        SEQUENCE_TABLES.map(async (t) => [t, await rowsMentioning(engine, workspaceId, t, needles)] as const),
      ),
    );

  it('exports the sequences the person is in, with the steps run for them', async () => {
    const { workspaceId, ann } = await twoPeopleEnrolled();
    expect(
      await holderOf(engine, 'sequences').exportPerson(await personRefOf(engine, workspaceId, ann)),
    ).toEqual({
      enrollments: [
        expect.objectContaining({
          sequence: 'Outbound',
          email: 'ann@customer.test',
          status: 'active',
          steps: [expect.objectContaining({ step: 1, kind: 'task', status: 'done' })],
        }),
      ],
    });
  });

  it('erases the person’s enrollments and step runs, by profile and by address; the other’s stay', async () => {
    const { workspaceId, ann, bob } = await twoPeopleEnrolled();
    const annRows = await rowsOf(workspaceId, [ann, 'ann@customer.test']);
    expect(annRows).toEqual({ sequence_enrollments: 1, sequence_step_runs: 1 });
    const bobBefore = await rowsOf(workspaceId, [bob, 'bob@customer.test']);
    const holder = holderOf(engine, 'sequences');
    const person = await personRefOf(engine, workspaceId, ann);
    expect(await holder.erasePerson(person)).toEqual(annRows);
    expect(await rowsOf(workspaceId, [ann, 'ann@customer.test'])).toEqual({
      sequence_enrollments: 0,
      sequence_step_runs: 0,
    });
    expect(await rowsOf(workspaceId, [bob, 'bob@customer.test'])).toEqual(bobBefore);
    expect(await holder.erasePerson(person)).toEqual({ sequence_enrollments: 0, sequence_step_runs: 0 });
    // The erased person's next step never runs; Bob's does.
    now += 4 * DAY;
    await engine.sequenceScheduler.runDue();
    expect(await rowsOf(workspaceId, [ann, 'ann@customer.test'])).toEqual({
      sequence_enrollments: 0,
      sequence_step_runs: 0,
    });
    expect(await rowsOf(workspaceId, [bob, 'bob@customer.test'])).toEqual({
      sequence_enrollments: 1,
      sequence_step_runs: 2,
    });
  });

  it('anonymizes: the report keeps its counts, the enrollment is stopped and names no one', async () => {
    const { workspaceId, ann } = await twoPeopleEnrolled();
    const [sequence] = await engine.sequences.list(workspaceId);
    const before = await engine.sequences.report(workspaceId, sequence?.id ?? '');
    const holder = holderOf(engine, 'sequences');
    if (!holder.anonymizePerson) throw new Error('sequences keep counts: they anonymize');
    const counts = await holder.anonymizePerson(
      await personRefOf(engine, workspaceId, ann),
      'prof_anonymous_1',
    );
    expect(counts).toEqual({ sequence_enrollments: 1, sequence_step_runs: 1 });
    expect(await rowsOf(workspaceId, [ann, 'ann@customer.test'])).toEqual({
      sequence_enrollments: 0,
      sequence_step_runs: 0,
    });
    const after = await engine.sequences.report(workspaceId, sequence?.id ?? '');
    expect(after).toMatchObject({
      enrolled: before.enrolled,
      active: before.active - 1,
      steps: before.steps,
    });
  });
});
