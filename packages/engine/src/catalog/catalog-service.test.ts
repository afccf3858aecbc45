import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { CatalogService } from './catalog-service.js';
import { commonTypeOf, examplesOf } from './value-types.js';

describe('catalog value types', () => {
  it('names a set of values by their common type, dates included', () => {
    expect(commonTypeOf([1, 2.5])).toBe('number');
    expect(commonTypeOf(['2026-01-02T03:04:05.000Z', '2025-12-31'])).toBe('date');
    expect(commonTypeOf(['2026-01-02', 'soon'])).toBe('string');
    expect(commonTypeOf([true, null])).toBe('boolean');
    expect(commonTypeOf([1, 'one'])).toBe('mixed');
    expect(commonTypeOf([[1], [2]])).toBe('array');
  });

  it('keeps a few distinct scalar examples and cuts long text', () => {
    expect(examplesOf(['a', 'a', 'b', { x: 1 }, 3, 'c'], 3)).toEqual(['a', 'b', 3]);
    expect(String(examplesOf(['x'.repeat(500)], 1)[0]).length).toBeLessThan(130);
  });
});

describe.each(ENGINES)('the catalog on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  /** People with traits and orders, in one workspace, and a stray event in another. */
  async function workspaceWithData() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const { id: otherId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const otherSource = await engine.sources.create(otherId, { name: 'web' });
    const users = ['u1', 'u2', 'u3', 'u4'];
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: users.flatMap((userId, i) => [
        {
          type: 'identify',
          userId,
          messageId: `id-${userId}`,
          traits: { plan: i % 2 ? 'pro' : 'free', seats: i * 5, trialEndsAt: '2026-03-01T00:00:00.000Z' },
        },
        ...Array.from({ length: i + 1 }, (_, n) => ({
          type: 'track',
          userId,
          messageId: `order-${userId}-${n}`,
          event: 'Order Completed',
          properties: { total: 10 * (n + 1), currency: 'EUR', coupon: n === 0 ? 'WELCOME' : undefined },
        })),
      ]),
      request: {},
    });
    await engine.collector.collect({
      source: { workspaceId: otherId, sourceId: otherSource.id },
      calls: [
        { type: 'track', userId: 'x', messageId: 'other-1', event: 'Elsewhere', properties: { secret: 1 } },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    return workspaceId;
  }

  it('lists the traits seen on profiles with their type, examples and how many profiles have them', async () => {
    const workspaceId = await workspaceWithData();
    const traits = await engine.catalog.traits(workspaceId);
    expect(traits.map((t) => t.name)).toEqual(['plan', 'seats', 'trialEndsAt']);
    expect(traits[0]).toEqual({
      name: 'plan',
      type: 'string',
      examples: ['free', 'pro'],
      profiles: 4,
      profilesCapped: false,
    });
    expect(traits[1]).toMatchObject({ name: 'seats', type: 'number', profiles: 4 });
    expect(traits[1]?.examples).toEqual(expect.arrayContaining([0, 5]));
    expect(traits[2]).toMatchObject({ name: 'trialEndsAt', type: 'date' });
  });

  it('lists track events with counts and property names, types and examples, of this workspace only', async () => {
    const workspaceId = await workspaceWithData();
    const [order, ...others] = await engine.catalog.events(workspaceId);
    expect(others).toEqual([]);
    expect(order).toMatchObject({ name: 'Order Completed', count: 10, countCapped: false });
    expect(order?.lastSeenAt).toEqual(expect.any(String));
    expect(order?.properties).toEqual([
      { name: 'coupon', type: 'string', examples: ['WELCOME'] },
      { name: 'currency', type: 'string', examples: ['EUR'] },
      expect.objectContaining({ name: 'total', type: 'number' }),
    ]);
  });

  it('stops counting at its cap and lists at most its number of names', async () => {
    const workspaceId = await workspaceWithData();
    const bounded = new CatalogService(engine.store, {
      names: 2,
      countCap: 3,
      eventsSampled: 2,
      examples: 1,
    });
    const traits = await bounded.traits(workspaceId);
    expect(traits.map((t) => [t.name, t.profiles, t.profilesCapped, t.examples.length])).toEqual([
      ['plan', 3, true, 1],
      ['seats', 3, true, 1],
    ]);
    const [order] = await bounded.events(workspaceId);
    expect(order).toMatchObject({ count: 3, countCapped: true });
  });
});
