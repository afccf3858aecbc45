import type { CreateSavedInsight } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

const signupFunnel: CreateSavedInsight = {
  name: 'Signup funnel',
  description: 'Visitors who sign up',
  chart: 'funnel',
  range: '30d',
  query: {
    kind: 'funnel',
    steps: [
      { event: 'Page Viewed', where: [] },
      { event: 'Signed Up', where: [] },
    ],
    within: '7d',
    order: 'sequential',
    exclusions: [],
    where: [],
  },
};
const dailyOrders: CreateSavedInsight = {
  name: 'Daily orders',
  description: '',
  chart: 'line',
  range: '7d',
  query: {
    kind: 'trend',
    series: [{ event: 'Order Completed', measure: 'count', where: [] }],
    interval: 'day',
    where: [],
  },
};

describe.each(ENGINES)('saved insights and dashboards on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());
  const workspace = async () => (await createWorkspace(engine.store, `insights ${Math.random()}`)).id;

  it('saves, lists, updates and deletes an insight, within its workspace only', async () => {
    const ws = await workspace();
    const funnel = await engine.savedInsights.create(ws, 'usr_ann', signupFunnel);
    const orders = await engine.savedInsights.create(ws, 'usr_bob', dailyOrders);
    expect(funnel).toMatchObject({ name: 'Signup funnel', chart: 'funnel', createdBy: 'usr_ann' });
    expect(await engine.savedInsights.get(ws, funnel.id)).toEqual(funnel);
    expect((await engine.savedInsights.list(ws)).map((i) => i.name)).toEqual([
      'Daily orders',
      'Signup funnel',
    ]);

    const other = await workspace();
    expect(await engine.savedInsights.list(other)).toEqual([]);
    await expect(engine.savedInsights.get(other, funnel.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(engine.savedInsights.delete(other, funnel.id)).rejects.toMatchObject({ code: 'not_found' });

    const renamed = await engine.savedInsights.update(ws, orders.id, { name: 'Orders', chart: 'bar' });
    expect(renamed).toMatchObject({ name: 'Orders', chart: 'bar', range: '7d', query: dailyOrders.query });
    await engine.savedInsights.delete(ws, orders.id);
    expect((await engine.savedInsights.list(ws)).map((i) => i.id)).toEqual([funnel.id]);
  });

  it('arranges tiles: adds in order, reorders, resizes, removes and closes the gap', async () => {
    const ws = await workspace();
    const funnel = await engine.savedInsights.create(ws, 'usr_ann', signupFunnel);
    const orders = await engine.savedInsights.create(ws, 'usr_ann', dailyOrders);
    const board = await engine.dashboards.create(ws, 'usr_ann', { name: 'Growth' });
    expect(board.tiles).toEqual([]);

    await engine.dashboards.addTile(ws, board.id, { insightId: funnel.id, width: 2 });
    await engine.dashboards.addTile(ws, board.id, { insightId: orders.id, width: 1 });
    const filled = await engine.dashboards.addTile(ws, board.id, { insightId: funnel.id, width: 1 });
    expect(filled.tiles.map((t) => [t.insight.name, t.width, t.position])).toEqual([
      ['Signup funnel', 2, 0],
      ['Daily orders', 1, 1],
      ['Signup funnel', 1, 2],
    ]);
    const [first, second, third] = filled.tiles.map((t) => t.id) as [string, string, string];

    const reordered = await engine.dashboards.reorderTiles(ws, board.id, [third, first, second]);
    expect(reordered.tiles.map((t) => [t.id, t.position])).toEqual([
      [third, 0],
      [first, 1],
      [second, 2],
    ]);
    const resized = await engine.dashboards.resizeTile(ws, board.id, second, 2);
    expect(resized.tiles.find((t) => t.id === second)?.width).toBe(2);

    const removed = await engine.dashboards.removeTile(ws, board.id, first);
    expect(removed.tiles.map((t) => [t.id, t.position])).toEqual([
      [third, 0],
      [second, 1],
    ]);
    expect(await engine.dashboards.list(ws)).toMatchObject([{ name: 'Growth', tileCount: 2 }]);
  });

  it('refuses an order that misses or repeats a tile, and tiles of unknown insights', async () => {
    const ws = await workspace();
    const funnel = await engine.savedInsights.create(ws, 'usr_ann', signupFunnel);
    const board = await engine.dashboards.create(ws, 'usr_ann', { name: 'Board' });
    const one = await engine.dashboards.addTile(ws, board.id, { insightId: funnel.id, width: 1 });
    const two = await engine.dashboards.addTile(ws, board.id, { insightId: funnel.id, width: 1 });
    const [a, b] = two.tiles.map((t) => t.id) as [string, string];
    for (const order of [[a], [a, a], [a, b, 'tile_nope']]) {
      await expect(engine.dashboards.reorderTiles(ws, board.id, order)).rejects.toMatchObject({
        code: 'bad_request',
      });
    }
    expect(one.tiles).toHaveLength(1);
    await expect(
      engine.dashboards.addTile(ws, board.id, { insightId: 'ins_missing', width: 1 }),
    ).rejects.toMatchObject({ code: 'not_found', details: [{ path: 'insightId' }] });
    // Another workspace's insight is as unknown as a missing one.
    const foreign = await engine.savedInsights.create(await workspace(), 'usr_eve', dailyOrders);
    await expect(
      engine.dashboards.addTile(ws, board.id, { insightId: foreign.id, width: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(engine.dashboards.resizeTile(ws, board.id, 'tile_nope', 2)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('removes an insight’s tiles from every dashboard when the insight is deleted', async () => {
    const ws = await workspace();
    const funnel = await engine.savedInsights.create(ws, 'usr_ann', signupFunnel);
    const orders = await engine.savedInsights.create(ws, 'usr_ann', dailyOrders);
    const growth = await engine.dashboards.create(ws, 'usr_ann', { name: 'Growth' });
    const sales = await engine.dashboards.create(ws, 'usr_ann', { name: 'Sales' });
    for (const board of [growth, sales]) {
      await engine.dashboards.addTile(ws, board.id, { insightId: funnel.id, width: 1 });
      await engine.dashboards.addTile(ws, board.id, { insightId: orders.id, width: 1 });
    }
    await engine.savedInsights.delete(ws, funnel.id);
    for (const board of [growth, sales]) {
      const after = await engine.dashboards.get(ws, board.id);
      expect(after.tiles.map((t) => t.insight.name)).toEqual(['Daily orders']);
    }
    // The next tile goes after the survivors, and deleting a dashboard keeps its insights.
    const added = await engine.dashboards.addTile(ws, growth.id, { insightId: orders.id, width: 2 });
    expect(added.tiles.map((t) => t.position).sort()).toEqual([0, 1]);
    await engine.dashboards.delete(ws, growth.id);
    await expect(engine.dashboards.get(ws, growth.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await engine.savedInsights.list(ws)).map((i) => i.name)).toEqual(['Daily orders']);
    expect(await engine.dashboards.list(ws)).toMatchObject([{ name: 'Sales', tileCount: 1 }]);
  });

  it('gives tiles added at the same time distinct places', async () => {
    const ws = await workspace();
    const orders = await engine.savedInsights.create(ws, 'usr_ann', dailyOrders);
    const board = await engine.dashboards.create(ws, 'usr_ann', { name: 'Busy' });
    await Promise.all(
      Array.from({ length: 8 }, () =>
        engine.dashboards.addTile(ws, board.id, { insightId: orders.id, width: 1 }),
      ),
    );
    const after = await engine.dashboards.get(ws, board.id);
    expect(after.tiles.map((t) => t.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
