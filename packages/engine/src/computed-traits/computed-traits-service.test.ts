import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
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
