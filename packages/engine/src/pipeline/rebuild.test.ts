import { AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('a rebuild through every stage on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = Date.parse('2024-02-01T00:00:00.000Z');
  beforeAll(async () => {
    engine = await openTestEngine(kind, { segment: { clock: () => (now += 1000) } });
  });
  afterAll(() => engine.dispose());

  it('replays the log into the same profiles, computed traits and memberships, telling no change', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, 'rebuilt');
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order',
    });
    const buyers = await engine.audiences.create(workspaceId, {
      name: 'Buyers',
      rule: { event: 'Order', count: { op: 'gte', value: 2 } },
    });
    if (!orders.ok || !buyers.ok) throw new Error('definitions refused');
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [
        { type: 'identify', userId: 'ann', anonymousId: 'phone', traits: { plan: 'pro' } },
        { type: 'track', anonymousId: 'phone', event: 'Order' },
        { type: 'track', userId: 'ann', event: 'Order' },
        { type: 'track', userId: 'bob', event: 'Order' },
      ],
      request: {},
    });
    await engine.pipeline.catchUp();
    const audienceEvents = async () =>
      Number(
        (
          await engine.store.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('workspace_id', '=', workspaceId)
            .where('event', 'in', [AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT])
            .executeTakeFirstOrThrow()
        ).n,
      );
    const state = async () =>
      Promise.all(
        ['ann', 'bob'].map(async (userId) => {
          const { id, traits, computedTraits, audiences } = await engine.profiles.lookup(
            workspaceId,
            'user_id',
            userId,
          );
          return { id, traits, computedTraits, audiences };
        }),
      );
    const before = await state();
    expect(before.map((p) => p.computedTraits)).toEqual([{ orders: 2 }, { orders: 1 }]);
    expect(before.map((p) => p.audiences.length)).toEqual([1, 0]);
    const told = await audienceEvents();
    expect(told).toBe(1);

    // What the stages derived is rebuilt from the log, lost or not.
    await engine.store.db
      .deleteFrom('computed_trait_values')
      .where('workspace_id', '=', workspaceId)
      .execute();
    await engine.pipeline.rebuild();
    expect(await state()).toEqual(before);
    expect(await audienceEvents()).toBe(told);
    expect((await engine.pipeline.status()).map((s) => [s.stage, s.lagEvents])).toEqual([
      ['unify', 0],
      ['segment', 0],
      ['delivery', 0],
    ]);
  });
});
