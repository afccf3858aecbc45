import { CreateBusinessCalendarSchema, CreateSlaPolicySchema } from '@tandem/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { AppError } from '../../errors/index.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import type { TicketTimeline } from './ticket-timeline.js';

const MINUTE = 60_000;
const START = Date.parse('2026-01-05T08:00:00.000Z');

describe.each(ENGINES)('SLA service on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = START;
  // A store per test: the sweeper reads every workspace's clocks, as in production.
  beforeEach(async () => {
    engine = await openTestEngine(kind, { sla: { clock: () => now } });
  });
  afterEach(() => engine.dispose());

  async function workspaceWithPerson(traits: Record<string, unknown>) {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        { type: 'identify', userId: 'ann', traits: { email: 'ann@example.com', ...traits }, messageId: 'm1' },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    const ann = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    return { workspaceId, profileId: ann.id };
  }

  const timeline = (
    workspaceId: string,
    profileId: string,
    overrides: Partial<TicketTimeline> = {},
  ): TicketTimeline => ({
    workspaceId,
    ticketId: `tick_${Math.random().toString(36).slice(2)}`,
    priority: 'high',
    type: null,
    tags: [],
    teamId: null,
    createdAt: new Date(START).toISOString(),
    statusChanges: [{ status: 'new', at: new Date(START).toISOString() }],
    publicMessages: [{ author: 'requester', at: new Date(START).toISOString() }],
    profileId,
    ...overrides,
  });

  const standard = CreateSlaPolicySchema.parse({
    name: 'Standard',
    hours: 'calendar',
    targets: { high: { firstResponse: 60, resolution: 480 } },
  });

  /** The SLA Breached events on the requester's timeline (after the pipeline has run). */
  async function breachEvents(workspaceId: string, profileId: string, event = 'SLA Breached') {
    await engine.pipeline.catchUp();
    const page = await engine.profiles.timeline(workspaceId, profileId, { limit: 50, event });
    return page.data.map((event) => event.properties);
  }

  it('keeps calendars and policies, refusing bad ones with the field named', async () => {
    const { workspaceId } = await workspaceWithPerson({});
    const calendar = await engine.slaSettings.createCalendar(
      workspaceId,
      CreateBusinessCalendarSchema.parse({
        name: 'Paris office',
        timeZone: 'Europe/Paris',
        weekly: [
          { day: 1, start: '09:00', end: '12:00' },
          { day: 1, start: '13:00', end: '17:00' },
        ],
        holidays: ['2026-05-01', '2026-01-01', '2026-05-01'],
      }),
    );
    expect(calendar.holidays).toEqual(['2026-01-01', '2026-05-01']);
    const bad = await engine.slaSettings
      .createCalendar(workspaceId, {
        name: 'x',
        timeZone: 'Mars/Base',
        weekly: [{ day: 1, start: '09:00', end: '10:00' }],
        holidays: [],
      })
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).code).toBe('validation_failed');
    expect((bad as AppError).details?.[0]?.path).toBe('timeZone');

    const first = await engine.slaSettings.createPolicy(workspaceId, {
      ...standard,
      calendarId: calendar.id,
      hours: 'business',
    });
    const second = await engine.slaSettings.createPolicy(workspaceId, {
      ...standard,
      name: 'VIP',
      position: 0,
    });
    expect((await engine.slaSettings.listPolicies(workspaceId)).map((p) => [p.name, p.position])).toEqual([
      ['VIP', 0],
      ['Standard', 1],
    ]);
    await engine.slaSettings.reorderPolicies(workspaceId, [first.id, second.id]);
    expect((await engine.slaSettings.listPolicies(workspaceId)).map((p) => p.name)).toEqual([
      'Standard',
      'VIP',
    ]);
    await expect(engine.slaSettings.reorderPolicies(workspaceId, [first.id])).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(engine.slaSettings.deleteCalendar(workspaceId, calendar.id)).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      engine.slaSettings.createPolicy(workspaceId, { ...standard, calendarId: 'cal_missing' }),
    ).rejects.toMatchObject({ code: 'validation_failed', details: [{ path: 'calendarId' }] });
    await engine.slaSettings.deletePolicy(workspaceId, first.id);
    await engine.slaSettings.deleteCalendar(workspaceId, calendar.id);
    expect(await engine.slaSettings.listCalendars(workspaceId)).toEqual([]);
    expect((await engine.slaSettings.listPolicies(workspaceId)).map((p) => [p.name, p.position])).toEqual([
      ['VIP', 0],
    ]);
    // Another workspace sees none of it.
    const other = await workspaceWithPerson({});
    expect(await engine.slaSettings.listPolicies(other.workspaceId)).toEqual([]);
  });

  it('applies the first policy whose conditions hold, reading the requester’s traits', async () => {
    const enterprise = await workspaceWithPerson({ plan: 'enterprise' });
    const free = await workspaceWithPerson({ plan: 'free' });
    for (const { workspaceId } of [enterprise, free]) {
      await engine.slaSettings.createPolicy(workspaceId, {
        ...standard,
        name: 'Enterprise',
        conditions: [{ field: 'traits.plan', op: 'is', value: 'enterprise' }],
        targets: { high: { firstResponse: 15, nextResponse: null, resolution: null } },
      });
      await engine.slaSettings.createPolicy(workspaceId, standard);
    }
    now = START;
    // Inside the caller's transaction (tickets/ writes its change and the clock together).
    const fast = await engine.store.db
      .transaction()
      .execute((trx) => engine.sla.track(timeline(enterprise.workspaceId, enterprise.profileId), trx));
    const slow = await engine.sla.track(timeline(free.workspaceId, free.profileId));
    expect(fast.firstResponseDueAt).toBe('2026-01-05T08:15:00.000Z');
    expect(fast.explanation[0]).toContain('policy "Enterprise"');
    expect(slow.firstResponseDueAt).toBe('2026-01-05T09:00:00.000Z');
  });

  it('turns at risk, then breached, within one sweep, appending SLA Breached once', async () => {
    const { workspaceId, profileId } = await workspaceWithPerson({});
    const policy = await engine.slaSettings.createPolicy(workspaceId, standard);
    now = START;
    const ticket = timeline(workspaceId, profileId);
    await engine.sla.track(ticket);
    // Nothing else due: a later, unrelated, clock is not read by the pass.
    await engine.sla.track({
      ...timeline(workspaceId, profileId),
      createdAt: new Date(START + 600 * MINUTE).toISOString(),
    });

    now = START + 50 * MINUTE;
    expect(await engine.slaSweeper.sweep()).toEqual({ checked: 1, breaches: 0 });
    expect((await engine.sla.clockOf(workspaceId, ticket.ticketId))?.atRisk).toBe(true);
    expect(await engine.sla.atRisk(workspaceId, { limit: 10 })).toEqual([ticket.ticketId]);

    now = START + 60 * MINUTE + 1000;
    expect(await engine.slaSweeper.sweep()).toEqual({ checked: 1, breaches: 1 });
    expect(await engine.slaSweeper.sweep()).toEqual({ checked: 0, breaches: 0 });
    const clock = await engine.sla.clockOf(workspaceId, ticket.ticketId);
    expect(clock?.breached).toEqual(['first_response']);
    // A late reply recomputes the clock: the breach stays, and is not sent again.
    await engine.sla.track({
      ...ticket,
      publicMessages: [...ticket.publicMessages, { author: 'agent', at: new Date(now).toISOString() }],
    });
    // Turning at risk was an event too, once.
    expect(await breachEvents(workspaceId, profileId, 'SLA At Risk')).toEqual([
      expect.objectContaining({
        ticketId: ticket.ticketId,
        metric: 'first_response',
        dueAt: '2026-01-05T09:00:00.000Z',
      }),
    ]);
    const events = await breachEvents(workspaceId, profileId);
    expect(events).toEqual([
      expect.objectContaining({
        ticketId: ticket.ticketId,
        metric: 'first_response',
        dueAt: '2026-01-05T09:00:00.000Z',
        policyId: policy.id,
        profileId,
      }),
    ]);
  });

  it('sends a breach found by track itself (a late reply after a missed sweep) once', async () => {
    const { workspaceId, profileId } = await workspaceWithPerson({});
    await engine.slaSettings.createPolicy(workspaceId, standard);
    now = START + 120 * MINUTE;
    const ticket = timeline(workspaceId, profileId, {
      publicMessages: [
        { author: 'requester', at: new Date(START).toISOString() },
        { author: 'agent', at: new Date(START + 90 * MINUTE).toISOString() },
      ],
    });
    expect((await engine.sla.track(ticket)).breached).toEqual(['first_response']);
    await engine.sla.track(ticket);
    expect(await engine.slaSweeper.sweep()).toMatchObject({ breaches: 0 });
    expect(await breachEvents(workspaceId, profileId)).toHaveLength(1);
  });

  it('puts the breach on the survivor when the requester’s profile was merged', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const collect = async (calls: Record<string, unknown>[]) => {
      await engine.collector.collect({ source: { workspaceId, sourceId: source.id }, calls, request: {} });
      await engine.pipeline.catchUp();
    };
    await collect([{ type: 'identify', anonymousId: 'anon-1', traits: { plan: 'free' }, messageId: 'a1' }]);
    await collect([
      { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com' }, messageId: 'b1' },
    ]);
    const visitor = (await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-1')).id;
    const bob = (await engine.profiles.lookup(workspaceId, 'user_id', 'bob')).id;
    await collect([{ type: 'identify', userId: 'bob', anonymousId: 'anon-1', messageId: 'm1' }]);
    const survivor = (await engine.profiles.lookup(workspaceId, 'user_id', 'bob')).id;
    const mergedAway = survivor === bob ? visitor : bob;
    expect(mergedAway).not.toBe(survivor);
    await engine.slaSettings.createPolicy(workspaceId, standard);
    now = START + 61 * MINUTE;
    await engine.sla.track(timeline(workspaceId, mergedAway));
    expect(await breachEvents(workspaceId, survivor)).toEqual([
      expect.objectContaining({ profileId: survivor }),
    ]);
  });

  it('leaves paused tickets out of the sweep and explains the pause', async () => {
    const { workspaceId, profileId } = await workspaceWithPerson({});
    await engine.slaSettings.createPolicy(workspaceId, standard);
    now = START + 30 * MINUTE;
    const ticket = timeline(workspaceId, profileId, {
      statusChanges: [
        { status: 'new', at: new Date(START).toISOString() },
        { status: 'pending', at: new Date(START + 10 * MINUTE).toISOString() },
      ],
    });
    await engine.sla.track(ticket);
    now = START + 1000 * MINUTE;
    expect(await engine.slaSweeper.sweep()).toEqual({ checked: 0, breaches: 0 });
    const clock = await engine.sla.clockOf(workspaceId, ticket.ticketId);
    expect(clock?.firstResponseDueAt).toBeNull();
    expect(clock?.breached).toEqual([]);
    // Read 1000 m after creation: paused since minute 10.
    expect(clock?.pausedMs).toBe(990 * MINUTE);
    expect(clock?.explanation).toContain('paused since 2026-01-05T08:10:00.000Z while pending');
    await engine.sla.forget(workspaceId, [ticket.ticketId]);
    expect(await engine.sla.clockOf(workspaceId, ticket.ticketId)).toBeNull();
  });

  it('reads many clocks at once, only of the workspace asked', async () => {
    const a = await workspaceWithPerson({});
    const b = await workspaceWithPerson({});
    await engine.slaSettings.createPolicy(a.workspaceId, standard);
    now = START;
    const ticket = timeline(a.workspaceId, a.profileId);
    await engine.sla.track(ticket);
    expect([...(await engine.sla.clocksOf(a.workspaceId, [ticket.ticketId, 'tick_none'])).keys()]).toEqual([
      ticket.ticketId,
    ]);
    expect((await engine.sla.clocksOf(b.workspaceId, [ticket.ticketId])).size).toBe(0);
  });
});
