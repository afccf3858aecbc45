import { AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { fromJson } from '../store/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('the computed traits service on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('lists a workspace’s computed traits page by page, oldest first, and no other workspace’s', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: otherId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const created: string[] = [];
    for (const name of ['orders', 'spend', 'last_order']) {
      const trait = await engine.computedTraits.create(workspaceId, { name, kind: 'count', event: 'Order' });
      if (!trait.ok) throw new Error(JSON.stringify(trait.error));
      created.push(trait.value.id);
    }
    await engine.computedTraits.create(otherId, { name: 'orders', kind: 'count', event: 'Order' });

    const first = await engine.computedTraits.list(workspaceId, { limit: 2 });
    expect(first.data.map((t) => t.id)).toEqual(created.slice(0, 2));
    expect(first.nextCursor).toBe(created[1]);
    const second = await engine.computedTraits.list(workspaceId, {
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second).toEqual({
      data: [expect.objectContaining({ id: created[2], name: 'last_order', kind: 'count' })],
      nextCursor: null,
    });
    expect((await engine.computedTraits.list(otherId, { limit: 50 })).data).toHaveLength(1);
  });
});

describe.each(ENGINES)('a computed trait edit on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** The Audience Entered / Exited events of the log, per user and audience, in log order. */
  async function audienceEvents(workspaceId: string, users: Record<string, string>) {
    const events = await engine.store.db
      .selectFrom('events')
      .select(['event', 'payload'])
      .where('workspace_id', '=', workspaceId)
      .where('event', 'in', [AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT])
      .orderBy('seq')
      .execute();
    const userOf = new Map(Object.entries(users).map(([user, profileId]) => [profileId, user]));
    const history: Record<string, string[]> = {};
    for (const e of events) {
      const { properties } = fromJson<{ properties: { audienceName: string; profileId: string } }>(e.payload);
      const key = `${userOf.get(properties.profileId)} in ${properties.audienceName}`;
      history[key] = [...(history[key] ?? []), e.event === AUDIENCE_ENTERED_EVENT ? 'entered' : 'exited'];
    }
    return history;
  }

  /**
   * Ann (two purchases, a refund) and Bob (two refunds), both pro; `buys` counts purchases,
   * Buyers holds two or more, Pro buyers reads the trait only through Buyers.
   */
  async function buyersWorkspace() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const track = (userId: string, event: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        type: 'track',
        userId,
        event,
        messageId: `${userId}-${event}-${i}`,
      }));
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        ...['ann', 'bob'].map((userId) => ({
          type: 'identify',
          userId,
          messageId: `id-${userId}`,
          traits: { plan: 'pro' },
        })),
        ...track('ann', 'Purchase', 2),
        ...track('ann', 'Refund', 1),
        ...track('bob', 'Refund', 2),
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    const buys = await engine.computedTraits.create(workspaceId, {
      name: 'buys',
      kind: 'count',
      event: 'Purchase',
    });
    if (!buys.ok) throw new Error(JSON.stringify(buys.error));
    const buyers = await engine.audiences.create(workspaceId, {
      name: 'Buyers',
      rule: { computedTrait: 'buys', op: 'gte', value: 2 },
    });
    if (!buyers.ok) throw new Error(JSON.stringify(buyers.error));
    const proBuyers = await engine.audiences.create(workspaceId, {
      name: 'Pro buyers',
      rule: { all: [{ audience: buyers.value.id }, { trait: 'plan', op: 'eq', value: 'pro' }] },
    });
    if (!proBuyers.ok) throw new Error(JSON.stringify(proBuyers.error));
    const ann = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    const bob = await engine.profiles.lookup(workspaceId, 'user_id', 'bob');
    const users = { ann: ann.id, bob: bob.id };
    const audiencesOf = async (userId: string) =>
      (await engine.profiles.lookup(workspaceId, 'user_id', userId)).audiences.map((a) => a.name);
    return { workspaceId, buys: buys.value, buyers: buyers.value, users, audiencesOf };
  }

  it('moves people in and out of the audiences that read it, with their Audience events', async () => {
    const { workspaceId, buys, buyers, users, audiencesOf } = await buyersWorkspace();
    expect(await audiencesOf('ann')).toEqual(['Buyers', 'Pro buyers']);
    expect(await audiencesOf('bob')).toEqual([]);

    // Counting refunds instead: Ann (one) no longer qualifies, Bob (two) does.
    const edited = await engine.computedTraits.update(workspaceId, buys.id, { event: 'Refund' });
    expect(edited.ok).toBe(true);
    await engine.pipeline.catchUp();
    expect((await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).computedTraits).toEqual({ buys: 1 });
    expect(await audiencesOf('ann')).toEqual([]);
    expect(await audiencesOf('bob')).toEqual(['Buyers', 'Pro buyers']);
    expect(await engine.audiences.members(workspaceId, buyers.id, { limit: 10 })).toEqual({
      data: [{ profileId: users.bob, enteredAt: expect.any(String) }],
      nextCursor: null,
    });
    const told = {
      'ann in Buyers': ['entered', 'exited'],
      'ann in Pro buyers': ['entered', 'exited'],
      'bob in Buyers': ['entered'],
      'bob in Pro buyers': ['entered'],
    };
    expect(await audienceEvents(workspaceId, users)).toEqual(told);

    // An edit that changes no one's membership tells nothing.
    await engine.computedTraits.update(workspaceId, buys.id, { within: '365d' });
    await engine.pipeline.catchUp();
    expect(await audienceEvents(workspaceId, users)).toEqual(told);
  });

  it('is neither deleted nor renamed while an audience or a destination reads it by name', async () => {
    const { workspaceId, buys, buyers, audiencesOf } = await buyersWorkspace();
    const refused = { code: 'conflict', message: expect.stringContaining('audience "Buyers" reads it') };
    await expect(engine.computedTraits.delete(workspaceId, buys.id)).rejects.toMatchObject(refused);
    await expect(
      engine.computedTraits.update(workspaceId, buys.id, { name: 'purchases' }),
    ).rejects.toMatchObject(refused);
    // Nothing changed: the audiences still read it and keep their members.
    expect((await engine.computedTraits.get(workspaceId, buys.id)).name).toBe('buys');
    expect(await audiencesOf('ann')).toEqual(['Buyers', 'Pro buyers']);

    // Buyers is read by Pro buyers in turn: deleting it is refused the same way.
    await expect(engine.audiences.delete(workspaceId, buyers.id)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('audience "Pro buyers" reads it'),
    });

    // A destination subscribed to the trait by name holds it too, once the audience lets go.
    const changed = await engine.audiences.update(workspaceId, buyers.id, {
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    expect(changed.ok).toBe(true);
    const destination = await engine.destinations.create(workspaceId, {
      name: 'CRM',
      type: 'webhook',
      config: { url: 'https://crm.example.com/hook' },
      subscriptions: [{ kind: 'trait', traits: ['buys'] }],
    });
    if (!destination.ok) throw new Error(JSON.stringify(destination.error));
    await expect(engine.computedTraits.delete(workspaceId, buys.id)).rejects.toMatchObject({
      code: 'conflict',
      message: 'The computed trait "buys" cannot be deleted: destination "CRM" reads it. Change it first.',
    });
    await engine.destinations.delete(workspaceId, destination.value.id);
    const renamed = await engine.computedTraits.update(workspaceId, buys.id, { name: 'purchases' });
    expect(renamed.ok).toBe(true);
    await engine.computedTraits.delete(workspaceId, buys.id);
    await expect(engine.computedTraits.get(workspaceId, buys.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('an audience edit re-evaluates the audiences that read it', async () => {
    const { workspaceId, buyers, users, audiencesOf } = await buyersWorkspace();
    // Three purchases now: Ann (two) leaves Buyers, and Pro buyers with it, at once.
    const raised = await engine.audiences.update(workspaceId, buyers.id, {
      rule: { computedTrait: 'buys', op: 'gte', value: 3 },
    });
    expect(raised.ok).toBe(true);
    await engine.pipeline.catchUp();
    expect(await audiencesOf('ann')).toEqual([]);
    await engine.audiences.update(workspaceId, buyers.id, {
      rule: { computedTrait: 'buys', op: 'gte', value: 2 },
    });
    await engine.pipeline.catchUp();
    expect(await audiencesOf('ann')).toEqual(['Buyers', 'Pro buyers']);
    expect(await audienceEvents(workspaceId, users)).toEqual({
      'ann in Buyers': ['entered', 'exited', 'entered'],
      'ann in Pro buyers': ['entered', 'exited', 'entered'],
    });
  });
});

describe.each(ENGINES)('the computed trait preview on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('computes a definition on the profiles that performed its event, saving nothing', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const orders: Record<string, number[]> = { ann: [20, 30], bob: [5], cy: [] };
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: Object.entries(orders).flatMap(([userId, totals]) => [
        { type: 'identify', userId, messageId: `id-${userId}`, traits: { name: userId } },
        ...totals.map((total, n) => ({
          type: 'track',
          userId,
          messageId: `o-${userId}-${n}`,
          event: 'Order Completed',
          properties: { total },
        })),
      ]),
      request: {},
    });
    await engine.pipeline.catchUp();
    const ann = (await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id;
    const bob = (await engine.profiles.lookup(workspaceId, 'user_id', 'bob')).id;

    const sum = await engine.computedTraits.preview(workspaceId, {
      name: 'spend',
      kind: 'sum',
      event: 'Order Completed',
      property: 'total',
    });
    if (!sum.ok) throw new Error(JSON.stringify(sum.error));
    expect(sum.value.profiles).toBe(2);
    expect(sum.value.withValue).toBe(2);
    expect(new Map(sum.value.sample.map((s) => [s.profileId, s.value]))).toEqual(
      new Map([
        [ann, 50],
        [bob, 5],
      ]),
    );

    const big = await engine.computedTraits.preview(workspaceId, {
      name: 'big_orders',
      kind: 'count',
      event: 'Order Completed',
      where: [{ property: 'total', op: 'gte', value: 25 }],
    });
    if (!big.ok) throw new Error(JSON.stringify(big.error));
    expect(big.value).toMatchObject({ profiles: 2, withValue: 1 });
    expect(big.value.sample.find((s) => s.profileId === ann)?.value).toBe(1);
    expect((await engine.computedTraits.list(workspaceId, { limit: 10 })).data).toEqual([]);

    const invalid = await engine.computedTraits.preview(workspaceId, {
      name: 'avg',
      kind: 'avg',
      event: 'Order Completed',
    });
    expect(invalid).toEqual({ ok: false, error: [expect.objectContaining({ path: 'property' })] });
  });
});
