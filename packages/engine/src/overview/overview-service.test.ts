import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, trackingWorkspace } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const DAY_MS = 86_400_000;
const at = (daysAgo: number, hour = 9) =>
  new Date(Date.parse('2026-03-10T00:00:00.000Z') - daysAgo * DAY_MS + hour * 3_600_000).toISOString();

describe.each(ENGINES)('overview on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = NOW;
  beforeAll(async () => {
    engine = await openTestEngine(kind, { segment: { clock: () => now } });
  });
  afterAll(() => engine.dispose());

  it('shows an empty workspace as thirty days of zeros, no sources, audiences, deals or tickets', async () => {
    now = NOW;
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const overview = await engine.overview.overview(workspaceId, { days: 30 });
    expect([overview.from, overview.to, overview.days.length]).toEqual(['2026-02-09', '2026-03-10', 30]);
    expect(overview.days.every((d) => d.events === 0 && d.newPeople === 0 && d.activePeople === 0)).toBe(
      true,
    );
    expect(overview.totals).toEqual({ events: 0, newPeople: 0 });
    expect([overview.topEvents, overview.topSources, overview.audiences]).toEqual([[], [], []]);
    expect([overview.sourceCount, overview.audienceCount, overview.pipeline.openCount]).toEqual([0, 0, 0]);
    expect(overview.tickets).toEqual({ unsolved: { new: 0, open: 0, pending: 0, on_hold: 0 }, slaAtRisk: 0 });
  });

  it('counts events, new and active people by day, top events and sources, audiences, deals and tickets', async () => {
    now = NOW;
    const { workspaceId, sourceId, send } = await trackingWorkspace(engine);
    await send(
      { type: 'track', userId: 'carl', event: 'Signed Up', timestamp: at(40) },
      { type: 'identify', userId: 'ann', traits: { plan: 'pro' }, timestamp: at(2) },
      { type: 'track', userId: 'ann', event: 'Signed Up', timestamp: at(2, 10) },
      { type: 'track', userId: 'bob', event: 'Signed Up', timestamp: at(1) },
      { type: 'track', userId: 'bob', event: 'Viewed', timestamp: at(0, 8) },
      { type: 'track', userId: 'bob', event: 'Viewed', timestamp: at(0, 9) },
      { type: 'track', userId: 'ann', event: 'Viewed', timestamp: at(0, 10) },
    );
    const overview = await engine.overview.overview(workspaceId, { days: 30 });
    const byDay = new Map(overview.days.map((d) => [d.day, [d.events, d.newPeople, d.activePeople]]));
    // Days count behavioural events (the analytics copy's track, page and screen calls): not Ann's identify.
    expect(byDay.get('2026-03-08')).toEqual([1, 1, 1]);
    expect(byDay.get('2026-03-09')).toEqual([1, 1, 1]);
    expect(byDay.get('2026-03-10')).toEqual([3, 0, 2]);
    // Carl's event is 40 days old: outside the window, in the source's all-time count.
    expect(overview.totals).toEqual({ events: 5, newPeople: 2 });
    expect(overview.complete).toBe(true);
    expect(overview.topEvents).toEqual([
      { event: 'Viewed', count: 3, capped: false },
      { event: 'Signed Up', count: 2, capped: false },
    ]);
    expect(overview.topSources).toEqual([{ sourceId, name: 'web', events: 7, capped: false }]);
    expect(overview.sourceCount).toBe(1);
    const pro = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!pro.ok) throw new Error('audience refused');
    await engine.audiences.evaluateStored(workspaceId, pro.value.id);
    const pipeline = await engine.pipelines.defaultPipeline(workspaceId);
    const [first, second] = pipeline.stages;
    if (!first || !second) throw new Error('the default pipeline has stages');
    for (const [amount, stageId] of [
      [100, first.id],
      [250, first.id],
      [1000, second.id],
    ] as const)
      await engine.deals.create(
        workspaceId,
        { name: `Deal ${amount}`, amount, currency: 'EUR', pipelineId: pipeline.id, stageId },
        null,
      );
    await engine.tickets.create(
      workspaceId,
      { subject: 'Locked out', email: 'dana@example.com', priority: 'normal', body: 'Help' },
      null,
    );

    // CRM changes are logged too: three deals and a ticket opened by a new requester, today.
    now += 11 * 60_000;
    // Days are counted from the analytics copy: the pipeline copies the CRM's events first.
    await engine.pipeline.catchUp();
    await engine.overview.overview(workspaceId, { days: 30 });
    await engine.overview.settled(workspaceId);
    const crm = await engine.overview.overview(workspaceId, { days: 30 });
    expect(crm.days.at(-1)).toEqual({
      day: '2026-03-10',
      counted: true,
      // Today's behavioural events, tracked and the CRM's (identify calls are not counted).
      events: 6,
      newPeople: 1,
      activePeople: 3,
    });
    expect(crm.audiences).toEqual([{ audienceId: pro.value.id, name: 'Pro', members: 1 }]);
    expect(crm.pipeline.stages.slice(0, 2).map((s) => [s.count, s.amount])).toEqual([
      [2, 350],
      [1, 1000],
    ]);
    expect([crm.pipeline.openCount, crm.pipeline.openAmount]).toEqual([3, 1350]);
    expect(crm.tickets.unsolved.new + crm.tickets.unsolved.open).toBe(1);
  });

  it('counts today again after seconds and finished days after an hour', async () => {
    now = NOW;
    const { workspaceId, send } = await trackingWorkspace(engine);
    await send({ type: 'track', userId: 'ann', event: 'Viewed', timestamp: at(1) });
    const before = await engine.overview.overview(workspaceId, { days: 7 });
    expect(before.days.slice(-2).map((d) => d.events)).toEqual([1, 0]);
    await send(
      { type: 'track', userId: 'ann', event: 'Viewed', timestamp: at(1, 11) },
      { type: 'track', userId: 'ann', event: 'Viewed', timestamp: at(0) },
    );
    const cached = await engine.overview.overview(workspaceId, { days: 7 });
    expect(cached.days.slice(-2).map((d) => d.events)).toEqual([1, 0]);
    // An expired day answers with its last figures while counted again in the background.
    now = NOW + 60_000;
    const staleToday = await engine.overview.overview(workspaceId, { days: 7 });
    expect(staleToday.days.slice(-2).map((d) => d.events)).toEqual([1, 0]);
    await engine.overview.settled(workspaceId);
    const todayAgain = await engine.overview.overview(workspaceId, { days: 7 });
    expect(todayAgain.days.slice(-2).map((d) => d.events)).toEqual([1, 1]);
    now = NOW + 61 * 60_000;
    await engine.overview.overview(workspaceId, { days: 7 });
    await engine.overview.settled(workspaceId);
    const allAgain = await engine.overview.overview(workspaceId, { days: 7 });
    expect(allAgain.days.slice(-2).map((d) => d.events)).toEqual([2, 1]);
    expect(allAgain.complete).toBe(true);
    expect(allAgain.topEvents).toEqual([{ event: 'Viewed', count: 3, capped: false }]);
  });
});
