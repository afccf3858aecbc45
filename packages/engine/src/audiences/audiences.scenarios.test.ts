import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const DAY = 86_400_000;
const START = Date.parse('2024-06-01T12:00:00.000Z');

describe.each(ENGINES)('computed traits and audiences over time on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = START;
  beforeAll(async () => {
    engine = await openTestEngine(kind, { segment: { clock: () => now } });
  });
  afterAll(() => engine.dispose());

  async function workspace() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    let n = 0;
    const send = async (...calls: Record<string, unknown>[]) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: calls.map((c) => ({ messageId: `m${++n}`, ...c })),
        request: {},
      });
      await settle();
    };
    return { workspaceId, send };
  }
  let loopRunning = false;
  async function settle() {
    if (loopRunning) return waitForLoop();
    await engine.pipeline.catchUp();
    await engine.segment.catchUp();
    await engine.pipeline.catchUp();
    await engine.segment.catchUp();
  }
  /** Until both stages have consumed the whole log (their own Audience events included). */
  async function waitForLoop() {
    for (let attempt = 0; attempt < 500; attempt++) {
      const head = await engine.store.db
        .selectFrom('events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst();
      const checkpoints = await engine.store.db
        .selectFrom('pipeline_checkpoints')
        .select(['stage', 'seq'])
        .execute();
      const at = (stage: string) => Number(checkpoints.find((c) => c.stage === stage)?.seq ?? -1);
      if (at('unify') === Number(head?.seq) && at('segment') === Number(head?.seq)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the pipeline loop did not catch up');
  }
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();

  it('keeps windowed computed traits and audiences exact as events arrive and as time passes', async () => {
    now = START;
    const { workspaceId, send } = await workspace();
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders_30d',
      kind: 'count',
      event: 'Order Completed',
      within: '30d',
    });
    expect(orders.ok).toBe(true);
    const spend = await engine.computedTraits.create(workspaceId, {
      name: 'spend',
      kind: 'sum',
      event: 'Order Completed',
      property: 'total',
    });
    expect(spend.ok).toBe(true);
    await send(
      { type: 'identify', userId: 'ann', traits: { plan: 'pro' }, timestamp: at(20) },
      {
        type: 'track',
        userId: 'ann',
        event: 'Order Completed',
        properties: { total: 40 },
        timestamp: at(20),
      },
      {
        type: 'track',
        userId: 'ann',
        event: 'Order Completed',
        properties: { total: 60 },
        timestamp: at(10),
      },
      { type: 'identify', userId: 'bob', traits: { plan: 'pro' }, timestamp: at(3) },
      { type: 'track', userId: 'bob', event: 'Order Completed', properties: { total: 5 }, timestamp: at(3) },
      { type: 'track', userId: 'bob', event: 'Order Completed', properties: { total: 5 }, timestamp: at(2) },
      // Cat orders like Ann but is on the free plan: time alone can never let her in.
      { type: 'identify', userId: 'cat', traits: { plan: 'free' }, timestamp: at(20) },
      { type: 'track', userId: 'cat', event: 'Order Completed', properties: { total: 1 }, timestamp: at(20) },
      { type: 'track', userId: 'cat', event: 'Order Completed', properties: { total: 1 }, timestamp: at(10) },
    );
    const created = await engine.audiences.create(workspaceId, {
      name: 'Pro, ordered twice in 30 days but not this week',
      rule: {
        all: [
          { trait: 'plan', op: 'eq', value: 'pro' },
          { event: 'Order Completed', count: { op: 'gte', value: 2 }, within: '30d' },
          { not: { event: 'Order Completed', within: '7d' } },
        ],
      },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const audienceId = created.value.id;
    const ann = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    expect(ann.computedTraits).toEqual({ orders_30d: 2, spend: 100 });
    expect(ann.audiences).toEqual([
      { id: audienceId, name: created.value.name, enteredAt: new Date(now).toISOString() },
    ]);
    expect((await engine.profiles.lookup(workspaceId, 'user_id', 'bob')).audiences).toEqual([]);
    // Time-driven re-checks are one sweep position for the audience, not a row per profile.
    const sweeps = await engine.store.db
      .selectFrom('audience_sweeps')
      .select(['audience_id', 'swept_to'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    expect(sweeps).toEqual([{ audience_id: audienceId, swept_to: new Date(now).toISOString() }]);
    // Upgraded, Cat enters in real time.
    await send({ type: 'identify', userId: 'cat', traits: { plan: 'pro' }, timestamp: at(0) });
    expect((await engine.profiles.lookup(workspaceId, 'user_id', 'cat')).audiences.map((a) => a.id)).toEqual([
      audienceId,
    ]);

    // Eleven days later Ann's first order has left the window: she exits, with no new event.
    now = START + 11 * DAY;
    await settle();
    const later = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    expect(later.computedTraits).toEqual({ orders_30d: 1, spend: 100 });
    expect(later.audiences).toEqual([]);
    // Bob's orders are now older than a week: he enters.
    const bob = await engine.profiles.lookup(workspaceId, 'user_id', 'bob');
    expect(bob.audiences.map((a) => a.id)).toEqual([audienceId]);
    // Cat's first order has left the window too.
    expect((await engine.profiles.lookup(workspaceId, 'user_id', 'cat')).audiences).toEqual([]);
    const annTimeline = await engine.profiles.timeline(workspaceId, ann.id, { limit: 20 });
    expect(annTimeline.data.map((e) => e.event).filter((e) => e?.startsWith('Audience'))).toEqual([
      'Audience Exited',
      'Audience Entered',
    ]);

    // A new order brings Ann back in real time.
    await send({
      type: 'track',
      userId: 'ann',
      event: 'Order Completed',
      properties: { total: 1 },
      timestamp: at(8),
    });
    expect((await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).audiences.map((a) => a.id)).toEqual([
      audienceId,
    ]);
    const members = await engine.audiences.members(workspaceId, audienceId, { limit: 10 });
    expect(members.data.map((m) => m.profileId).sort()).toEqual([ann.id, bob.id].sort());
  });

  it('refuses invalid rules with the field named, and re-evaluates everyone on edit', async () => {
    now = START;
    const { workspaceId, send } = await workspace();
    const bad = await engine.audiences.create(workspaceId, {
      name: 'bad',
      rule: {
        all: [
          { trait: 'age', op: 'gt', value: 'old' },
          { computedTrait: 'nope', op: 'gt', value: 1 },
        ],
      },
    });
    expect(bad).toEqual({
      ok: false,
      error: [
        { path: 'rule.all.0.value', message: 'gt needs a number' },
        { path: 'rule.all.1.computedTrait', message: 'no computed trait "nope"' },
      ],
    });
    await send({ type: 'identify', userId: 'cy', traits: { plan: 'free' }, timestamp: at(1) });
    const created = await engine.audiences.create(workspaceId, {
      name: 'pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!created.ok) throw new Error('not created');
    expect((await engine.audiences.members(workspaceId, created.value.id, { limit: 10 })).data).toEqual([]);
    await engine.audiences.update(workspaceId, created.value.id, {
      rule: { trait: 'plan', op: 'in', value: ['pro', 'free'] },
    });
    expect((await engine.audiences.members(workspaceId, created.value.id, { limit: 10 })).data).toHaveLength(
      1,
    );
    const self = await engine.audiences.update(workspaceId, created.value.id, {
      rule: { audience: created.value.id },
    });
    expect(self.ok).toBe(false);
  });

  it('lets a member leave when a date trait leaves its window, after a full evaluation', async () => {
    now = START;
    const { workspaceId, send } = await workspace();
    await send({ type: 'identify', userId: 'eve', traits: { signedUpAt: at(25) }, timestamp: at(25) });
    // Created after the data: the full evaluation (SQL) admits Eve, and must schedule her exit.
    const created = await engine.audiences.create(workspaceId, {
      name: 'Signed up this month',
      rule: { trait: 'signedUpAt', op: 'within_last', value: '30d' },
    });
    if (!created.ok) throw new Error('not created');
    const members = () => engine.audiences.members(workspaceId, created.value.id, { limit: 10 });
    expect((await members()).data).toHaveLength(1);
    now = START + 6 * DAY;
    await settle();
    expect((await members()).data).toEqual([]);
  });

  // Through catch-up (each stage reads the log) and through the running loop (unify hands its
  // batch, merges included, to the segment stage).
  it.each(['catch-up', 'running pipeline'])(
    'carries computed traits and memberships to the survivor of a merge (%s)',
    async (mode) => {
      now = START;
      const { workspaceId, send } = await workspace();
      if (mode === 'running pipeline') {
        engine.pipeline.start((error) => {
          throw error;
        });
        loopRunning = true;
      }
      try {
        await mergeScenario(workspaceId, send);
      } finally {
        loopRunning = false;
        await engine.pipeline.stop();
      }
    },
  );

  async function mergeScenario(
    workspaceId: string,
    send: (...calls: Record<string, unknown>[]) => Promise<void>,
  ) {
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order Completed',
    });
    expect(orders.ok).toBe(true);
    const created = await engine.audiences.create(workspaceId, {
      name: 'Two orders',
      rule: { computedTrait: 'orders', op: 'gte', value: 2 },
    });
    if (!created.ok) throw new Error('not created');
    const audienceId = created.value.id;
    // One order as an anonymous visitor, one as a known user: two people so far, neither a member.
    await send(
      { type: 'track', anonymousId: 'anon-1', event: 'Order Completed', timestamp: at(3) },
      { type: 'track', userId: 'dee', event: 'Order Completed', timestamp: at(2) },
      { type: 'track', anonymousId: 'anon-2', event: 'Order Completed', timestamp: at(2) },
      { type: 'track', anonymousId: 'anon-2', event: 'Order Completed', timestamp: at(1) },
    );
    const visitor = await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-2');
    expect(visitor.audiences.map((a) => a.id)).toEqual([audienceId]);
    expect((await engine.profiles.lookup(workspaceId, 'user_id', 'dee')).computedTraits).toEqual({
      orders: 1,
    });

    // A page view (no rule reads it) links anon-1 to Dee: the survivor counts both orders and enters.
    await send({ type: 'page', anonymousId: 'anon-1', userId: 'dee', timestamp: at(0) });
    const dee = await engine.profiles.lookup(workspaceId, 'user_id', 'dee');
    expect(dee.computedTraits).toEqual({ orders: 2 });
    expect(dee.audiences.map((a) => a.id)).toEqual([audienceId]);

    // anon-2 (a member) joins Dee too: the merged-away profile leaves the members quietly, the
    // survivor stays in, and the member list holds the one person.
    await send({ type: 'identify', anonymousId: 'anon-2', userId: 'dee', timestamp: at(0) });
    const merged = await engine.profiles.lookup(workspaceId, 'user_id', 'dee');
    expect(merged.computedTraits).toEqual({ orders: 4 });
    const members = await engine.audiences.members(workspaceId, audienceId, { limit: 10 });
    expect(members.data.map((m) => m.profileId)).toEqual([merged.id]);
  }
});
