import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, MemoryDesk, openTestEngine, TableEmailQueue } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { SequenceScheduler } from './index.js';

// Sequences end to end on a real engine: steps run by the scheduler (an injected clock), replies
// sent with a real SMTP client to the engine's real listener, stop events through the pipeline.

const REPLY_DOMAIN = 'replies.acme.test';
const DAY = 86_400_000;

describe.each(ENGINES)('sales sequences on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let queue: TableEmailQueue;
  let now = Date.parse('2026-12-01T09:00:00Z');
  let port = 0;
  let rep = '';

  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      mail: { desk: new MemoryDesk([]), listen: { host: '127.0.0.1', port: 0 } },
      sequences: { replyDomain: REPLY_DOMAIN, clock: () => now },
    });
    queue = new TableEmailQueue(engine.store);
    engine.sendSequenceEmailWith(queue);
    await engine.mailChannel.start();
    port = engine.mailChannel.port ?? 0;
    // The rep is a real user: a task step is for the owner while they are still a member.
    const email = `rep-${Math.random()}@acme.test`;
    rep = (await engine.access.accounts.ensureUser({ email, password: 'violet kettle orbit 42' })).id;
  });
  afterAll(() => engine.dispose());

  async function workspace() {
    const { id } = await createWorkspace(engine.store, `seq ${Math.random()}`);
    await engine.access.members.add(id, rep, 'sales');
    return id;
  }
  const person = async (workspaceId: string, email: string) =>
    (await engine.people.create(workspaceId, { email, name: email.split('@')[0] }, rep)).profileId;
  const emailsTo = async (profileId: string) =>
    (await queue.queued()).filter((queued) => queued.email.profileId === profileId);
  const enrollmentOf = async (workspaceId: string, profileId: string) => {
    const [enrollment] = await engine.sequences.enrollmentsOf(workspaceId, profileId);
    if (!enrollment) throw new Error(`no enrollment of ${profileId}`);
    return enrollment;
  };

  async function sendMail(message: Mail.Options): Promise<void> {
    const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      await client.sendMail(message);
    } finally {
      client.close();
    }
  }

  it('makes a task step nobody’s once its owner has left the workspace', async () => {
    const workspaceId = await workspace();
    const ann = await person(workspaceId, 'ann@leaving.test');
    const leaver = (
      await engine.access.accounts.ensureUser({
        email: `leaver-${Math.random()}@acme.test`,
        password: 'violet kettle orbit 42',
      })
    ).id;
    await engine.access.members.add(workspaceId, leaver, 'sales');
    const sequence = await engine.sequences.create(
      workspaceId,
      { name: 'Handover', steps: [{ id: 'call', kind: 'task', title: 'Call Ann back' }] },
      leaver,
    );
    await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [ann] }, leaver);
    await engine.access.members.remove({ userId: leaver, role: 'sales' }, workspaceId, leaver);
    await engine.sequenceScheduler.runDue();
    const tasks = await engine.tasks.openTasksOf(workspaceId, [ann]);
    expect(tasks).toEqual([expect.objectContaining({ title: 'Call Ann back', assigneeId: null })]);
  });

  it('runs email and task steps after their delays, for the owner, then finishes', async () => {
    const workspaceId = await workspace();
    const ann = await person(workspaceId, 'ann@customer.test');
    const sequence = await engine.sequences.create(
      workspaceId,
      {
        name: 'Outbound',
        steps: [
          { id: 'intro', kind: 'email', templateId: 'etpl_intro' },
          { id: 'call', kind: 'task', title: 'Call Ann', delay: '2d' },
          { id: 'bump', kind: 'email', templateId: 'etpl_bump', delay: '1d' },
        ],
      },
      rep,
    );
    const enrolled = await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [ann] }, rep);
    expect(enrolled.enrolled).toHaveLength(1);
    expect(
      (await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [ann] }, null)).skipped,
    ).toEqual([{ profileId: ann, reason: 'already_active' }]);
    const enrollmentId = enrolled.enrolled[0]?.id ?? '';

    await engine.sequenceScheduler.runDue();
    const [intro] = await emailsTo(ann);
    expect(intro?.email).toMatchObject({
      workspaceId,
      templateId: 'etpl_intro',
      origin: { kind: 'sequence', id: sequence.id, stepId: 'intro', runId: enrollmentId },
    });
    expect(intro?.email.headers?.['Reply-To']).toMatch(new RegExp(`^reply\\+[a-z2-7]{20}@${REPLY_DOMAIN}$`));
    expect(await engine.sequenceScheduler.runDue()).toEqual({ stepsRun: 0, tasksCreated: 0 });

    now += 2 * DAY;
    expect(await engine.sequenceScheduler.runDue()).toEqual({ stepsRun: 1, tasksCreated: 1 });
    const tasks = await engine.tasks.openTasksOf(workspaceId, [ann]);
    expect(tasks).toEqual([expect.objectContaining({ title: 'Call Ann', assigneeId: rep })]);
    expect((await enrollmentOf(workspaceId, ann)).currentStep).toBe(2);

    now += DAY;
    await engine.sequenceScheduler.runDue();
    expect((await emailsTo(ann)).map((e) => e.email.templateId)).toEqual(['etpl_intro', 'etpl_bump']);
    expect(await enrollmentOf(workspaceId, ann)).toMatchObject({ status: 'finished', nextAt: null });
    const report = await engine.sequences.report(workspaceId, sequence.id);
    expect(report).toMatchObject({ enrolled: 1, active: 0, finished: 1, replied: 0 });
    expect(report.steps.map((s) => s.ran)).toEqual([1, 1, 1]);
  });

  it('runs each due step exactly once with several schedulers at once, and again after a failed batch', async () => {
    const workspaceId = await workspace();
    const people: string[] = [];
    for (let i = 0; i < 12; i++) people.push(await person(workspaceId, `p${i}@many.test`));
    const sequence = await engine.sequences.create(
      workspaceId,
      { name: 'Burst', steps: [{ id: 'only', kind: 'email', templateId: 'etpl_only' }] },
      null,
    );
    // A queue that fails once: the batch rolls back whole, and its steps run on the next pass.
    let failures = 1;
    const flaky = {
      enqueue: async (...args: Parameters<TableEmailQueue['enqueue']>) => {
        if (failures-- > 0) throw new Error('the queue is down');
        return queue.enqueue(...args);
      },
    };
    const schedulers = Array.from(
      { length: 3 },
      () =>
        new SequenceScheduler({
          store: engine.store,
          clock: () => now,
          emailQueue: () => flaky,
          replyDomain: REPLY_DOMAIN,
          createTask: async () => 'task_x',
          batchSize: 5,
        }),
    );
    await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: people }, null);
    const outcomes = await Promise.allSettled(schedulers.map((scheduler) => scheduler.runDue()));
    expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true);
    await Promise.all(schedulers.map((scheduler) => scheduler.runDue()));
    const sent = (await queue.queued()).filter((queued) => queued.email.origin.id === sequence.id);
    expect(sent).toHaveLength(12);
    expect(new Set(sent.map((queued) => queued.email.profileId)).size).toBe(12);
    expect((await engine.sequences.report(workspaceId, sequence.id)).finished).toBe(12);
  });

  it('stops on a reply sent to the reply address through the SMTP listener, and logs it on the person', async () => {
    const workspaceId = await workspace();
    const bea = await person(workspaceId, 'bea@customer.test');
    const sequence = await engine.sequences.create(
      workspaceId,
      {
        name: 'Follow-up',
        steps: [
          { id: 'one', kind: 'email', templateId: 'etpl_1' },
          { id: 'two', kind: 'email', templateId: 'etpl_2', delay: '3d' },
        ],
      },
      null,
    );
    await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [bea] }, rep);
    await engine.sequenceScheduler.runDue();
    const replyTo = (await emailsTo(bea))[0]?.email.headers?.['Reply-To'] ?? '';

    // An out-of-office answer stops nothing.
    await sendMail({
      from: 'Bea <bea@customer.test>',
      to: replyTo,
      subject: 'Out of office',
      text: 'Back Monday',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect((await enrollmentOf(workspaceId, bea)).status).toBe('active');

    await sendMail({
      from: 'Bea <bea@customer.test>',
      to: replyTo,
      subject: 'Re: hello',
      text: 'Sounds good, call me.',
    });
    expect(await enrollmentOf(workspaceId, bea)).toMatchObject({ status: 'stopped', stopReason: 'replied' });
    now += 3 * DAY;
    await engine.sequenceScheduler.runDue();
    expect(await emailsTo(bea)).toHaveLength(1);

    const activities = await engine.activities.list(workspaceId, { profileId: bea, limit: 10 });
    expect(activities.data).toEqual([
      expect.objectContaining({ kind: 'email', body: expect.stringContaining('Sounds good, call me.') }),
    ]);
    await engine.pipeline.catchUp();
    const timeline = await engine.profiles.timeline(workspaceId, bea, { limit: 50, event: 'Email Replied' });
    expect(timeline.data).toHaveLength(1);
    expect((await engine.sequences.report(workspaceId, sequence.id)).replied).toBe(1);
  });

  it('matches a reply without a token by its sender, and stops the company’s enrollments when asked', async () => {
    const workspaceId = await workspace();
    const globex = await engine.companies.create(
      workspaceId,
      { name: 'Globex', domains: ['globex.test'] },
      null,
    );
    const carl = await person(workspaceId, 'carl@globex.test');
    const dora = await person(workspaceId, 'dora@globex.test');
    for (const profileId of [carl, dora])
      await engine.companies.addPerson(workspaceId, globex.id, profileId, null);
    const eve = await person(workspaceId, 'eve@elsewhere.test');
    const companyWide = await engine.sequences.create(
      workspaceId,
      {
        name: 'Account',
        steps: [{ kind: 'email', templateId: 'etpl_a', delay: '1d' }],
        settings: { stopOnCompanyReply: true },
      },
      null,
    );
    await engine.sequences.enroll(workspaceId, companyWide.id, { profileIds: [carl, dora, eve] }, null);
    await sendMail({
      from: 'carl@globex.test',
      to: `reply@${REPLY_DOMAIN}`,
      subject: 'Re: hi',
      text: 'Interested',
    });
    expect(await enrollmentOf(workspaceId, carl)).toMatchObject({ status: 'stopped', stopReason: 'replied' });
    expect(await enrollmentOf(workspaceId, dora)).toMatchObject({
      status: 'stopped',
      stopReason: 'company_replied',
    });
    expect(await enrollmentOf(workspaceId, eve)).toMatchObject({ status: 'active' });
    const report = await engine.sequences.report(workspaceId, companyWide.id);
    expect(report.stopped).toMatchObject({ replied: 1, company_replied: 1 });
  });

  it('stops on a logged meeting, an unsubscribe and a bounce, where the sequence asks', async () => {
    const workspaceId = await workspace();
    const source = await engine.sources.create(workspaceId, { name: 'email' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: ['meg', 'uma', 'bo', 'kim'].map((userId) => ({
        type: 'identify',
        userId,
        traits: { email: `${userId}@stop.test` },
        messageId: `id-${userId}`,
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
    const id = async (userId: string) => (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id;
    const [meg, uma, bo, kim] = await Promise.all(['meg', 'uma', 'bo', 'kim'].map(id));
    const steps = [{ kind: 'email' as const, templateId: 'etpl_s', delay: '1d' }];
    const stopping = await engine.sequences.create(workspaceId, { name: 'Stops', steps }, null);
    const keepOnBounce = await engine.sequences.create(
      workspaceId,
      { name: 'Keeps', steps, settings: { stopOnBounce: false } },
      null,
    );
    await engine.sequences.enroll(
      workspaceId,
      stopping.id,
      { profileIds: [meg ?? '', uma ?? '', bo ?? ''] },
      null,
    );
    await engine.sequences.enroll(workspaceId, keepOnBounce.id, { profileIds: [kim ?? ''] }, null);

    await engine.activities.create(
      workspaceId,
      { kind: 'meeting', profileId: meg, body: 'Demo booked' },
      rep,
    );
    // A soft bounce (a delay notice) stops nothing: the mail may still arrive.
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        {
          type: 'track',
          userId: 'bo',
          event: 'Email Bounced',
          properties: { bounceType: 'soft', status: '4.4.1' },
          messageId: 'b0',
        },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    expect(await enrollmentOf(workspaceId, bo ?? '')).toMatchObject({ status: 'active' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        { type: 'track', userId: 'uma', event: 'Unsubscribed', messageId: 'u1' },
        { type: 'track', userId: 'bo', event: 'Email Bounced', messageId: 'b1' },
        { type: 'track', userId: 'kim', event: 'Email Bounced', messageId: 'k1' },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    expect(await enrollmentOf(workspaceId, meg ?? '')).toMatchObject({ stopReason: 'meeting_booked' });
    expect(await enrollmentOf(workspaceId, uma ?? '')).toMatchObject({ stopReason: 'unsubscribed' });
    expect(await enrollmentOf(workspaceId, bo ?? '')).toMatchObject({ stopReason: 'bounced' });
    expect(await enrollmentOf(workspaceId, kim ?? '')).toMatchObject({ status: 'active' });
    expect((await engine.sequences.report(workspaceId, stopping.id)).meetings).toBe(1);
  });

  it('follows merges: the survivor is the enrolled person, and their events stop the enrollment', async () => {
    const workspaceId = await workspace();
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const collect = async (calls: Record<string, unknown>[]) => {
      await engine.collector.collect({ source: { workspaceId, sourceId: source.id }, calls, request: {} });
      await engine.pipeline.catchUp();
    };
    await collect([
      { type: 'identify', userId: 'hal', messageId: 'h1' },
      { type: 'identify', anonymousId: 'anon-hal', traits: { email: 'hal@merge.test' }, messageId: 'h2' },
    ]);
    const anon = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-hal')).id;
    const steps = [{ kind: 'email' as const, templateId: 'etpl_m', delay: '1d' }];
    const sequence = await engine.sequences.create(workspaceId, { name: 'Merges', steps }, null);
    await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [anon] }, null);
    await collect([
      { type: 'identify', userId: 'hal', traits: { email: 'hal@merge.test' }, messageId: 'h3' },
    ]);
    const survivor = (await engine.profiles.lookup(workspaceId, 'user_id', 'hal')).id;
    expect(await enrollmentOf(workspaceId, survivor)).toMatchObject({
      profileId: survivor,
      status: 'active',
    });
    const again = await engine.sequences.enroll(workspaceId, sequence.id, { profileIds: [survivor] }, null);
    expect(again.skipped).toEqual([{ profileId: survivor, reason: 'already_active' }]);
    await collect([{ type: 'track', userId: 'hal', event: 'Email Bounced', messageId: 'h4' }]);
    expect(await enrollmentOf(workspaceId, survivor)).toMatchObject({
      status: 'stopped',
      stopReason: 'bounced',
    });
  });

  it('enrolls a list, stops by hand, and keeps workspaces apart', async () => {
    const workspaceId = await workspace();
    const [fay, gus] = [
      await person(workspaceId, 'fay@list.test'),
      await person(workspaceId, 'gus@list.test'),
    ];
    const list = await engine.lists.create(workspaceId, { name: 'Leads' }, null);
    await engine.lists.addMembers(workspaceId, list.id, [fay, gus], null);
    const sequence = await engine.sequences.create(
      workspaceId,
      { name: 'List', steps: [{ kind: 'task', title: 'Research', delay: '1d' }] },
      null,
    );
    const result = await engine.sequences.enroll(workspaceId, sequence.id, { listId: list.id }, rep);
    expect(result.enrolled.map((e) => e.email).sort()).toEqual(['fay@list.test', 'gus@list.test']);
    const fayEnrollment = await enrollmentOf(workspaceId, fay);
    expect(await engine.sequences.stop(workspaceId, sequence.id, fayEnrollment.id)).toMatchObject({
      status: 'stopped',
      stopReason: 'manual',
    });
    await expect(engine.sequences.stop(workspaceId, sequence.id, fayEnrollment.id)).rejects.toMatchObject({
      code: 'conflict',
    });
    const other = await workspace();
    await expect(engine.sequences.get(other, sequence.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      engine.sequences.enroll(other, sequence.id, { profileIds: [gus] }, null),
    ).rejects.toMatchObject({ code: 'not_found' });
    const page = await engine.sequences.enrollments(workspaceId, sequence.id, {
      status: 'active',
      limit: 10,
    });
    expect(page.data.map((e) => e.profileId)).toEqual([gus]);
  });
});
