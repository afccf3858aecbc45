import type { JourneyDefinition } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuedEmail } from '../email/index.js';
import type { Engine } from '../engine.js';
import type { Database } from '../store/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { StaticLists } from './index.js';

type Call = Record<string, unknown>;
const START = Date.parse('2026-03-02T08:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

// Table-backed stand-ins for the email queue and the static lists (built by other domains):
// rows written in the journey's transaction, as the real ones are.
const testEmailQueue = {
  async enqueue(db: Kysely<Database>, emails: readonly QueuedEmail[]) {
    for (const email of emails)
      await sql`INSERT INTO test_journey_emails (workspace_id, profile_id, template_id, origin) VALUES (${email.workspaceId}, ${email.profileId}, ${email.templateId}, ${JSON.stringify(email.origin)})`.execute(
        db,
      );
    return emails.map((_, i) => `em_${i}`);
  },
};
const testLists: StaticLists = {
  async add(db, workspaceId, listId, profileIds) {
    for (const id of profileIds)
      await sql`INSERT INTO test_journey_lists (workspace_id, list_id, profile_id) VALUES (${workspaceId}, ${listId}, ${id})`.execute(
        db,
      );
  },
  async remove(db, workspaceId, listId, profileIds) {
    for (const id of profileIds)
      await sql`DELETE FROM test_journey_lists WHERE workspace_id = ${workspaceId} AND list_id = ${listId} AND profile_id = ${id}`.execute(
        db,
      );
  },
};

describe.each(ENGINES)('journeys on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = START;
  beforeAll(async () => {
    engine = await openTestEngine(kind, {
      segment: { clock: () => now },
      delivery: { clock: () => now, allowPrivateNetworks: true },
      journeys: { emailQueue: testEmailQueue, staticLists: testLists, timers: { clock: () => now } },
    });
    await sql`CREATE TABLE test_journey_emails (workspace_id text, profile_id text, template_id text, origin text)`.execute(
      engine.store.db,
    );
    await sql`CREATE TABLE test_journey_lists (workspace_id text, list_id text, profile_id text)`.execute(
      engine.store.db,
    );
  });
  afterAll(() => engine.dispose());

  let messages = 0;
  async function workspace() {
    now = START;
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const send = async (...calls: Call[]) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: calls.map((call) => ({ messageId: `m${++messages}`, timestamp: iso(now), ...call })),
        request: {},
      });
      await engine.pipeline.catchUp();
    };
    const track = (userId: string, event: string, properties: Record<string, unknown> = {}) =>
      send({ type: 'track', userId, event, properties });
    const profileOf = async (userId: string) =>
      (await engine.profiles.lookup(workspaceId, 'user_id', userId)).id;
    const publish = async (definition: unknown, inFlight: 'stay' | 'migrate' = 'stay') => {
      const created = await engine.journeys.create(workspaceId, definition as JourneyDefinition);
      await engine.journeys.publish(workspaceId, created.id, { inFlight });
      return created.id;
    };
    /** Time passes; due timers fire; what they appended reaches the pipeline. */
    const advance = async (ms: number) => {
      now += ms;
      await engine.journeyTimers.sweep(now);
      await engine.journeyTimers.fireDue(now);
      await engine.pipeline.catchUp();
    };
    const runsOf = async (userId: string) =>
      (await engine.journeys.profileRuns(workspaceId, await profileOf(userId), { limit: 100 })).data;
    const pathOf = async (userId: string, journeyId: string) =>
      (await runsOf(userId))
        .filter((r) => r.journeyId === journeyId)
        .map((r) => ({ status: r.status, path: r.path.map((p) => `${p.stepId}:${p.outcome}`) }));
    const eventsOf = async (userId: string, prefix = 'Journey') => {
      const rows = await engine.store.db
        .selectFrom('events')
        .select(['event'])
        .where('workspace_id', '=', workspaceId)
        .where('event', 'like', `${prefix}%`)
        .where(sql<string>`CAST(payload AS text)`, 'like', `%${await profileOf(userId)}%`)
        .orderBy('seq')
        .execute();
      return rows.map((r) => r.event);
    };
    return { workspaceId, send, track, profileOf, publish, advance, runsOf, pathOf, eventsOf };
  }

  it('waits for Order Completed after a cart: the buyer leaves by matched, the other by the timeout', async () => {
    const { track, publish, advance, pathOf, eventsOf } = await workspace();
    const id = await publish({
      name: 'Cart',
      entry: { kind: 'event', event: 'Cart Updated', where: [{ property: 'total', op: 'gt', value: 0 }] },
      steps: [
        {
          id: 'wait',
          kind: 'wait_for_event',
          event: 'Order Completed',
          timeout: '2h',
          next: { matched: 'thanks', timeout: 'nudge' },
        },
        { id: 'thanks', kind: 'update_trait', trait: 'bought', value: true },
        { id: 'nudge', kind: 'update_trait', trait: 'nudged', value: true },
      ],
    });
    await track('ann', 'Cart Updated', { total: 20 });
    await track('bob', 'Cart Updated', { total: 35 });
    await track('cat', 'Cart Updated', { total: 0 });
    await advance(HOUR);
    await track('ann', 'Order Completed');
    await advance(HOUR + 1000);
    expect(await pathOf('ann', id)).toEqual([
      { status: 'completed', path: ['wait:matched', 'thanks:updated'] },
    ]);
    expect(await pathOf('bob', id)).toEqual([
      { status: 'completed', path: ['wait:timeout', 'nudge:updated'] },
    ]);
    expect(await pathOf('cat', id)).toEqual([]);
    expect(await eventsOf('ann')).toEqual(['Journey Entered', 'Journey Completed']);
  });

  it('sets traits through the log, and delays by duration, time of day and a date trait', async () => {
    const w = await workspace();
    const id = await w.publish({
      name: 'Delays',
      entry: { kind: 'event', event: 'Signed Up' },
      steps: [
        { id: 'tag', kind: 'update_trait', trait: 'stage', value: 'onboarding', next: 'morning' },
        { id: 'morning', kind: 'delay', untilTimeOfDay: '09:30', next: 'rest' },
        { id: 'rest', kind: 'delay', duration: '1d', next: 'renewal' },
        { id: 'renewal', kind: 'delay', untilTrait: 'renewsAt', offset: '-1d', next: null },
      ],
    });
    // 08:00 UTC is 09:00 in Paris: Paris is due at 09:30 local (08:30 UTC), UTC people at 09:30 UTC.
    await w.send(
      {
        type: 'identify',
        userId: 'paris',
        traits: { timezone: 'Europe/Paris', renewsAt: '2026-03-10T12:00:00.000Z' },
      },
      { type: 'identify', userId: 'utc', traits: {} },
    );
    await w.track('paris', 'Signed Up');
    await w.track('utc', 'Signed Up');
    const traits = await engine.profiles.get(w.workspaceId, await w.profileOf('paris'));
    expect(traits.traits.stage).toBe('onboarding');
    const nextAt = async (userId: string) => (await w.runsOf(userId))[0]?.nextAt;
    expect(await nextAt('paris')).toBe('2026-03-02T08:30:00.000Z');
    expect(await nextAt('utc')).toBe('2026-03-02T09:30:00.000Z');
    await w.advance(HOUR);
    expect((await w.runsOf('paris'))[0]?.stepId).toBe('rest');
    expect((await w.runsOf('utc'))[0]?.stepId).toBe('morning');
    await w.advance(86_400_000);
    expect(await nextAt('paris')).toBe('2026-03-09T12:00:00.000Z');
    // Without the date trait, the delay is over at once.
    await w.advance(86_400_000);
    expect(await w.pathOf('utc', id)).toEqual([
      { status: 'completed', path: ['tag:updated', 'morning:passed', 'rest:passed', 'renewal:passed'] },
    ]);
    await w.advance(7 * 86_400_000);
    expect((await w.pathOf('paris', id))[0]?.status).toBe('completed');
  });

  it('splits on a condition, splits at random by run, and holds out a share for the goal', async () => {
    const w = await workspace();
    const id = await w.publish({
      name: 'Splits',
      entry: { kind: 'event', event: 'Visited' },
      steps: [
        {
          id: 'plan',
          kind: 'split',
          condition: { trait: 'plan', op: 'eq', value: 'pro' },
          next: { yes: 'pro', no: 'ab' },
        },
        { id: 'pro', kind: 'update_trait', trait: 'path', value: 'pro' },
        { id: 'ab', kind: 'random_split', weights: [50, 50], next: ['a', 'b'] },
        { id: 'a', kind: 'delay', duration: '1d' },
        { id: 'b', kind: 'delay', duration: '1d' },
      ],
      settings: { holdoutPercent: 30, goal: { event: 'Purchased' } },
    });
    await w.send({ type: 'identify', userId: 'p0', traits: { plan: 'pro' } });
    for (let i = 0; i < 40; i += 1) await w.send({ type: 'track', userId: `p${i}`, event: 'Visited' });
    const report = await engine.journeys.report(w.workspaceId, id);
    expect(report.goal?.holdout).toBeGreaterThan(3);
    expect(report.goal?.holdout).toBeLessThan(25);
    const passed = new Map(report.steps.map((s) => [s.stepId, s.passed]));
    const held = report.goal?.holdout ?? 0;
    expect((passed.get('plan') ?? 0) + held).toBe(40);
    const a = report.steps.find((s) => s.stepId === 'a')?.current ?? 0;
    const b = report.steps.find((s) => s.stepId === 'b')?.current ?? 0;
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    const pro = await w.pathOf('p0', id);
    if (pro[0]?.path.length) expect(pro[0].path).toEqual(['plan:yes', 'pro:updated']);
    // Everyone buys: the journey's entrants and the holdout both convert.
    for (let i = 0; i < 40; i += 1) await w.send({ type: 'track', userId: `p${i}`, event: 'Purchased' });
    const after = await engine.journeys.report(w.workspaceId, id);
    expect(after.goal).toMatchObject({ holdoutConverted: held, holdoutRate: 1 });
    expect(after.converted).toBe(40 - held - (after.completed ?? 0));
    expect(after.inProgress).toBe(0);
  });

  it('queues emails, webhooks, list changes, tasks, tickets and CRM fields, each once', async () => {
    const w = await workspace();
    const destination = await engine.destinations.create(w.workspaceId, {
      name: 'Hook',
      type: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook' },
    });
    if (!destination.ok) throw new Error(JSON.stringify(destination.error));
    const welcome = await engine.emailTemplates.create(w.workspaceId, {
      name: 'Welcome',
      subject: 'Welcome',
      mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
      category: 'transactional',
    });
    const id = await w.publish({
      name: 'Effects',
      entry: { kind: 'event', event: 'Trial Started' },
      steps: [
        { id: 'mail', kind: 'send_email', templateId: welcome.id, next: 'hook' },
        { id: 'hook', kind: 'send_webhook', destinationId: destination.value.id, next: 'join' },
        { id: 'join', kind: 'list', listId: 'list_trials', action: 'add', next: 'task' },
        { id: 'task', kind: 'create_task', title: 'Call the trial', dueIn: '2d', next: 'ticket' },
        { id: 'ticket', kind: 'create_ticket', subject: 'Onboard them', next: 'stage' },
        { id: 'stage', kind: 'update_crm_field', field: 'lifecycleStage', value: 'opportunity', next: 'bye' },
        { id: 'bye', kind: 'exit' },
      ],
    });
    // Ann's owner is a member: the task step, naming no assignee, makes the task theirs.
    const rep = (
      await engine.access.accounts.ensureUser({
        email: `rep-${Math.random()}@acme.test`,
        password: 'violet kettle orbit 42',
      })
    ).id;
    await engine.access.members.add(w.workspaceId, rep, 'sales');
    await w.track('ann', 'Pricing Viewed');
    const annId = await w.profileOf('ann');
    await engine.people.update(w.workspaceId, annId, { ownerId: rep }, null);
    await w.track('ann', 'Trial Started');
    // A commit may have woken a pass already: wait for it too, not only for what is pending.
    await engine.journeyEffects.settled();
    const emails = await sql<{
      template_id: string;
      origin: string;
    }>`SELECT template_id, origin FROM test_journey_emails WHERE workspace_id = ${w.workspaceId}`.execute(
      engine.store.db,
    );
    expect(emails.rows).toHaveLength(1);
    expect(JSON.parse(emails.rows[0]?.origin ?? '{}')).toMatchObject({ kind: 'journey', id, stepId: 'mail' });
    const deliveries = await engine.store.db
      .selectFrom('deliveries')
      .select(['type', 'body'])
      .where('workspace_id', '=', w.workspaceId)
      .execute();
    expect(deliveries).toHaveLength(1);
    expect(JSON.parse(deliveries[0]?.body ?? '{}')).toMatchObject({
      type: 'journey.step',
      journey: { id, stepId: 'hook' },
      profile: { id: annId },
    });
    const lists =
      await sql`SELECT list_id FROM test_journey_lists WHERE workspace_id = ${w.workspaceId}`.execute(
        engine.store.db,
      );
    expect(lists.rows).toEqual([{ list_id: 'list_trials' }]);
    const tasks = await engine.tasks.list(w.workspaceId, { profileId: annId, limit: 10 } as never, {
      actorId: null,
    });
    expect(
      tasks.data.map((t: { title: string; assigneeId: string | null }) => [t.title, t.assigneeId]),
    ).toEqual([['Call the trial', rep]]);
    const person = await engine.people.get(w.workspaceId, annId);
    expect(person.lifecycleStage).toBe('opportunity');
    const effects = await engine.store.db
      .selectFrom('journey_effects')
      .select(['step_id', 'status'])
      .where('workspace_id', '=', w.workspaceId)
      .orderBy('step_id')
      .execute();
    expect(effects).toEqual([
      { step_id: 'stage', status: 'done' },
      { step_id: 'task', status: 'done' },
      { step_id: 'ticket', status: 'done' },
    ]);
    expect(await w.pathOf('ann', id)).toEqual([
      {
        status: 'exited',
        path: [
          'mail:queued',
          'hook:queued',
          'join:added',
          'task:queued',
          'ticket:queued',
          'stage:queued',
          'bye:exit',
        ],
      },
    ]);
  });

  it('keeps people out or lets them back in by the re-entry rule', async () => {
    const w = await workspace();
    const steps = [{ id: 'wait', kind: 'delay', duration: '1h' }];
    const never = await w.publish({ name: 'Never', entry: { kind: 'event', event: 'Ping' }, steps });
    const afterExit = await w.publish({
      name: 'After exit',
      entry: { kind: 'event', event: 'Ping' },
      steps,
      settings: { reEntry: 'after_exit' },
    });
    const always = await w.publish({
      name: 'Always',
      entry: { kind: 'event', event: 'Ping' },
      steps,
      settings: { reEntry: 'always', reEntryAfter: '30m' },
    });
    await w.track('ann', 'Ping');
    await w.track('ann', 'Ping');
    now += 31 * 60_000;
    await w.track('ann', 'Ping');
    await w.advance(HOUR);
    await w.track('ann', 'Ping');
    const count = async (journeyId: string) => (await w.pathOf('ann', journeyId)).length;
    expect([await count(never), await count(afterExit), await count(always)]).toEqual([1, 2, 3]);
  });

  it('ends runs on the exit condition and on the goal, checked at every event', async () => {
    const w = await workspace();
    const id = await w.publish({
      name: 'Nurture',
      entry: { kind: 'event', event: 'Lead Created' },
      steps: [{ id: 'wait', kind: 'delay', duration: '3d' }],
      settings: {
        exitWhen: { event: 'Unsubscribed' },
        goal: { event: 'Demo Booked', where: [{ property: 'kept', op: 'eq', value: true }] },
      },
    });
    await w.track('ann', 'Lead Created');
    await w.track('bob', 'Lead Created');
    await w.track('ann', 'Demo Booked', { kept: false });
    await w.track('ann', 'Demo Booked', { kept: true });
    await w.track('bob', 'Unsubscribed');
    expect((await w.pathOf('ann', id))[0]?.status).toBe('converted');
    expect((await w.pathOf('bob', id))[0]?.status).toBe('exited');
    expect(await w.eventsOf('ann')).toEqual(['Journey Entered', 'Journey Goal Reached']);
    const report = await engine.journeys.report(w.workspaceId, id);
    expect(report).toMatchObject({ entered: 2, converted: 1, exited: 1, inProgress: 0 });
    expect(report.goal).toMatchObject({ journeyRate: 0.5, holdoutRate: null });
    // Timers of ended runs are gone.
    const timers = await engine.store.db
      .selectFrom('journey_timers')
      .select('run_id')
      .where('workspace_id', '=', w.workspaceId)
      .execute();
    expect(timers).toEqual([]);
  });

  it('takes no machine open or click (a mail proxy, a link scanner) for the person’s', async () => {
    const w = await workspace();
    const id = await w.publish({
      name: 'Follow-up',
      entry: { kind: 'event', event: 'Newsletter Sent' },
      steps: [
        {
          id: 'opened',
          kind: 'wait_for_event',
          event: 'Email Opened',
          timeout: '1d',
          next: { matched: 'thank', timeout: null },
        },
        { id: 'thank', kind: 'update_trait', trait: 'engaged', value: true },
      ],
      settings: { goal: { event: 'Email Link Clicked' } },
    });
    await w.track('ann', 'Newsletter Sent');
    await w.track('bob', 'Newsletter Sent');
    await w.track('ann', 'Email Opened', { messageId: 'em_1', machine: true, machineReason: 'proxy' });
    await w.track('ann', 'Email Link Clicked', {
      messageId: 'em_1',
      machine: true,
      machineReason: 'scanner',
    });
    await w.track('bob', 'Email Opened', { messageId: 'em_2', machine: false });
    expect(await w.pathOf('ann', id)).toEqual([{ status: 'active', path: [] }]);
    expect(await w.pathOf('bob', id)).toEqual([
      { status: 'completed', path: ['opened:matched', 'thank:updated'] },
    ]);
    await w.track('ann', 'Email Link Clicked', { messageId: 'em_1', machine: false });
    expect((await w.pathOf('ann', id))[0]?.status).toBe('converted');
  });
  it('keeps people in flight on their version, or migrates them to the same step of the new one', async () => {
    const w = await workspace();
    const first = {
      name: 'Versions',
      entry: { kind: 'event', event: 'Joined' },
      steps: [
        { id: 'one', kind: 'delay', duration: '1h', next: 'two' },
        { id: 'two', kind: 'delay', duration: '1h', next: null },
      ],
    };
    const id = await w.publish(first);
    await w.track('ann', 'Joined');
    await w.track('bob', 'Joined');
    await w.advance(HOUR);
    // bob's run moves on to `two`; ann stays at `one` (entered later).
    await w.track('cy', 'Joined');
    await engine.journeys.update(w.workspaceId, id, {
      steps: [
        { id: 'one', kind: 'delay', duration: '1h', next: 'three' },
        { id: 'three', kind: 'update_trait', trait: 'v2', value: true },
      ],
    });
    await engine.journeys.publish(w.workspaceId, id, { inFlight: 'stay' });
    const versionOf = async (u: string) => (await w.runsOf(u))[0]?.version;
    expect(await versionOf('cy')).toBe(1);
    await w.track('dan', 'Joined');
    expect(await versionOf('dan')).toBe(2);
    await engine.journeys.update(w.workspaceId, id, { name: 'Versions 3' });
    await engine.journeys.publish(w.workspaceId, id, { inFlight: 'migrate' });
    // Everyone at `one` moves to version 3; at `two` (gone), they exit.
    expect(await versionOf('cy')).toBe(3);
    expect((await w.runsOf('ann'))[0]).toMatchObject({ status: 'exited', stepId: 'two' });
    await w.advance(HOUR);
    expect(await w.pathOf('cy', id)).toEqual([
      { status: 'completed', path: ['one:passed', 'three:updated'] },
    ]);
    // Newest first, a page at a time.
    const newest = await engine.journeys.versions(w.workspaceId, id, { limit: 2 });
    expect(newest.data.map((v) => v.version)).toEqual([3, 2]);
    const oldest = await engine.journeys.versions(w.workspaceId, id, {
      limit: 2,
      cursor: newest.nextCursor ?? undefined,
    });
    expect(oldest).toMatchObject({ data: [expect.objectContaining({ version: 1 })], nextCursor: null });
  });

  it('migrating exits the people at a step that is now of another kind', async () => {
    const w = await workspace();
    const id = await w.publish({
      name: 'Kinds',
      entry: { kind: 'event', event: 'Joined' },
      steps: [
        { id: 'one', kind: 'delay', duration: '1h', next: 'two' },
        { id: 'two', kind: 'delay', duration: '1h', next: null },
      ],
    });
    await w.track('ann', 'Joined');
    // `one` becomes an instant step: ann's delay timer would otherwise resume it as a delay.
    await engine.journeys.update(w.workspaceId, id, {
      steps: [
        { id: 'one', kind: 'update_trait', trait: 'v2', value: true, next: 'two' },
        { id: 'two', kind: 'delay', duration: '1h', next: null },
      ],
    });
    await engine.journeys.publish(w.workspaceId, id, { inFlight: 'migrate' });
    expect((await w.runsOf('ann'))[0]).toMatchObject({ status: 'exited', stepId: 'one', version: 1 });
    await w.track('bob', 'Joined');
    await w.advance(HOUR);
    expect(await w.pathOf('ann', id)).toEqual([{ status: 'exited', path: [] }]);
    expect(await w.pathOf('bob', id)).toEqual([{ status: 'completed', path: ['one:updated', 'two:passed'] }]);
  });

  it('starts on audience entered and exited, CRM changes, schedules and date traits', async () => {
    const w = await workspace();
    const audience = await engine.audiences.create(w.workspaceId, {
      name: 'Pros',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!audience.ok) throw new Error(JSON.stringify(audience.error));
    const steps = [{ id: 'wait', kind: 'delay', duration: '30d' }];
    const entered = await w.publish({
      name: 'In',
      entry: { kind: 'audience_entered', audienceId: audience.value.id },
      steps,
    });
    const exited = await w.publish({
      name: 'Out',
      entry: { kind: 'audience_exited', audienceId: audience.value.id },
      steps,
    });
    const crm = await w.publish({ name: 'Won', entry: { kind: 'crm_change', event: 'Deal Won' }, steps });
    const birthday = await w.publish({
      name: 'Birthday',
      entry: { kind: 'date_trait', trait: 'birthday', yearly: true, atTimeOfDay: '09:00' },
      steps,
      settings: { reEntry: 'after_exit' },
    });
    const weekly = await w.publish({
      name: 'Weekly',
      entry: { kind: 'schedule', cron: '0 10 * * 1', audienceId: audience.value.id },
      steps,
    });
    await w.send(
      { type: 'identify', userId: 'ann', traits: { plan: 'pro', birthday: '1990-03-02' } },
      { type: 'identify', userId: 'bob', traits: { plan: 'free', birthday: '1990-03-03' } },
    );
    await w.send({ type: 'identify', userId: 'ann', traits: { plan: 'free' } });
    await engine.crmEvents.appendWithin(engine.store.db, [
      {
        workspaceId: w.workspaceId,
        profileId: await w.profileOf('bob'),
        event: 'Deal Won',
        properties: {},
        actorId: null,
        at: iso(now),
        messageId: 'deal-won-1',
      },
    ]);
    await engine.pipeline.catchUp();
    await w.send({ type: 'identify', userId: 'ann', traits: { plan: 'pro' } });
    // 08:00 → 10:00 on Monday 2 March: the birthday tick (09:00) and the weekly one (10:00).
    await w.advance(2 * HOUR);
    const journeysOf = async (u: string) => (await w.runsOf(u)).map((r) => r.journeyId).sort();
    expect(await journeysOf('ann')).toEqual([entered, exited, birthday, weekly].sort());
    expect(await journeysOf('bob')).toEqual([crm]);
    // The next ticks are a day and a week away.
    await w.advance(HOUR);
    expect((await journeysOf('ann')).length).toBe(4);
  });

  it('waits for a person to enter an audience, else leaves by the timeout', async () => {
    const w = await workspace();
    const audience = await engine.audiences.create(w.workspaceId, {
      name: 'Paying',
      rule: { trait: 'plan', op: 'eq', value: 'paid' },
    });
    if (!audience.ok) throw new Error(JSON.stringify(audience.error));
    const id = await w.publish({
      name: 'Upgrade',
      entry: { kind: 'event', event: 'Trial Started' },
      steps: [
        {
          id: 'paid',
          kind: 'wait_for_audience',
          audienceId: audience.value.id,
          timeout: '1d',
          next: { matched: 'thank', timeout: null },
        },
        { id: 'thank', kind: 'update_trait', trait: 'thanked', value: true },
      ],
    });
    await w.track('ann', 'Trial Started');
    await w.track('bob', 'Trial Started');
    await w.send({ type: 'identify', userId: 'ann', traits: { plan: 'paid' } });
    await w.advance(86_400_000 + 1000);
    expect(await w.pathOf('ann', id)).toEqual([
      { status: 'completed', path: ['paid:matched', 'thank:updated'] },
    ]);
    expect(await w.pathOf('bob', id)).toEqual([{ status: 'completed', path: ['paid:timeout'] }]);
  });

  it('moves a merged-away profile’s runs to the survivor, one run per journey', async () => {
    const w = await workspace();
    const id = await w.publish({
      name: 'Merge',
      entry: { kind: 'event', event: 'Viewed' },
      steps: [{ id: 'wait', kind: 'delay', duration: '1d' }],
      settings: { reEntry: 'always' },
    });
    await w.send({ type: 'track', anonymousId: 'anon-1', event: 'Viewed' });
    await w.track('ann', 'Viewed');
    await w.send({ type: 'identify', userId: 'ann', anonymousId: 'anon-1' });
    const annId = await w.profileOf('ann');
    const runs = await w.runsOf('ann');
    expect(runs.map((r) => r.profileId)).toEqual([annId, annId]);
    expect(runs.map((r) => r.status).sort()).toEqual(['active', 'exited']);
    const stale = await engine.store.db
      .selectFrom('journey_runs')
      .select('profile_id')
      .where('workspace_id', '=', w.workspaceId)
      .where('profile_id', '!=', annId)
      .execute();
    expect(stale).toEqual([]);
    expect(id).toBeTruthy();
  });

  it('fires each due timer exactly once, however many workers claim at once', async () => {
    const w = await workspace();
    const id = await w.publish({
      name: 'Once',
      entry: { kind: 'event', event: 'Go' },
      steps: [
        { id: 'wait', kind: 'delay', duration: '1h', next: 'mark' },
        { id: 'mark', kind: 'update_trait', trait: 'fired', value: true },
      ],
    });
    const calls = Array.from({ length: 300 }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'Go' }));
    await w.send(...calls);
    now += HOUR;
    const fired = await Promise.all([
      engine.journeyTimers.fireDue(now),
      engine.journeyTimers.fireDue(now),
      engine.journeyTimers.fireChunk(now),
    ]);
    expect(fired.reduce((a, b) => a + b, 0)).toBe(300);
    const passed = await engine.store.db
      .selectFrom('journey_run_steps')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', w.workspaceId)
      .where('step_id', '=', 'wait')
      .executeTakeFirstOrThrow();
    expect(Number(passed.n)).toBe(300);
    const report = await engine.journeys.report(w.workspaceId, id);
    expect(report).toMatchObject({ entered: 300, completed: 300, inProgress: 0 });
  });
});
