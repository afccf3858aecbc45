import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { TestReceiver } from './test-receiver.js';

const HOUR = 3_600_000;

// A windowed computed trait changes as time passes, with no event: "orders in the last hour"
// falls back to 0. Destinations subscribed to the trait hear of it as of any other change.
describe.each(ENGINES)('computed-trait changes time alone makes, delivered on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  // The segment stage's clock: moved forward to let a window pass.
  let offsetMs = 0;
  const traitReceiver = new TestReceiver();
  const eventReceiver = new TestReceiver();

  beforeAll(async () => {
    await traitReceiver.start();
    await eventReceiver.start();
    engine = await openTestEngine(kind, {
      delivery: {
        secretKey: Buffer.alloc(32, 7),
        allowPrivateNetworks: true,
        baseBackoffMs: 20,
        maxBackoffMs: 200,
        pollMs: 100,
        sendTimeoutMs: 2000,
      },
      segment: { clock: () => Date.now() + offsetMs },
      pipeline: { pollMs: 50 },
    });
    engine.pipeline.start();
    engine.dispatcher.start();
  });
  afterAll(async () => {
    await engine.dispose();
    await traitReceiver.stop();
    await eventReceiver.stop();
  });

  it('sends the value a window left behind, once, and only to trait subscribers', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const trait = await engine.computedTraits.create(workspaceId, {
      name: 'recent orders',
      kind: 'count',
      event: 'Order Completed',
      within: '1h',
    });
    if (!trait.ok) throw new Error(JSON.stringify(trait.error));
    const traits = await engine.destinations.create(workspaceId, {
      name: 'traits',
      type: 'webhook',
      config: { url: traitReceiver.url },
      subscriptions: [{ kind: 'trait', traits: ['recent orders'] }],
    });
    const events = await engine.destinations.create(workspaceId, {
      name: 'events',
      type: 'webhook',
      config: { url: eventReceiver.url },
      subscriptions: [{ kind: 'event', filter: { type: 'track' } }],
    });
    if (!traits.ok || !events.ok) throw new Error('destinations');
    const result = await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [{ type: 'track', userId: 'ada', event: 'Order Completed', messageId: `m-${Math.random()}` }],
      request: {},
    });
    expect(result.rejected).toEqual([]);
    const traitBodies = () => traitReceiver.accepted.filter((r) => r.body.type === 'trait.changed');
    await traitReceiver.until(() => traitBodies().length >= 1);
    expect(traitBodies()[0]?.body.trait).toEqual({
      id: trait.value.id,
      name: 'recent orders',
      value: 1,
      previous: null,
    });

    // Two hours on, the order has left the window: no event, yet the destination hears of it.
    offsetMs = 2 * HOUR;
    await traitReceiver.until(() => traitBodies().length >= 2);
    const fallen = traitBodies()[1]?.body ?? {};
    expect(fallen.trait).toEqual({ id: trait.value.id, name: 'recent orders', value: 0, previous: 1 });
    expect((fallen.profile as { identities: unknown[] }).identities).toContainEqual(
      expect.objectContaining({ type: 'user_id', value: 'ada' }),
    );

    // Sent once: the flag was taken with the delivery, and the event destination got no trait.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(traitBodies()).toHaveLength(2);
    expect(traitReceiver.accepted).toHaveLength(2);
    expect(eventReceiver.accepted.map((r) => r.body.type)).toEqual(['event']);
    const flagged = await engine.store.db
      .selectFrom('computed_trait_values')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('time_changed', '=', 1)
      .execute();
    expect(flagged).toEqual([]);
  });
});
