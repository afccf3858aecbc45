import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapIfEmpty } from '../bootstrap/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { TrackingPlansService } from './tracking-plans-service.js';

const BLOCKING = {
  mode: 'block_unplanned_events',
  forwardViolations: false,
  events: [{ name: 'Planned', schema: { type: 'object', properties: {} } }],
  identify: null,
} as const;

describe.each(ENGINES)('tracking plans kept in memory on %s', (kind) => {
  let engine: Awaited<ReturnType<typeof openTestEngine>>;
  let source: { workspaceId: string; sourceId: string };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    const bootstrap = await bootstrapIfEmpty(engine.store, engine, {
      adminEmail: 'plans@example.com',
      adminPassword: 'violet kettle orbit 42',
      adminToken: 'tdm_plans_memory_token_0123456789',
      writeKey: 'wk_plans_memory',
    });
    if (!bootstrap) throw new Error('store not empty');
    source = { workspaceId: bootstrap.workspaceId, sourceId: bootstrap.sourceId };
  });
  afterAll(() => engine.dispose());

  const sendUnplanned = (messageId: string) =>
    engine.collector.collect({
      source,
      calls: [{ type: 'track', userId: 'm1', event: 'Unplanned', messageId }],
      request: {},
    });

  it('picks up a plan another process wrote on its next refresh, and its removal too', async () => {
    // Another process: its own service over the same store.
    const other = new TrackingPlansService(engine.store, { log: engine.log, collect: async () => {} });
    await other.put(source.workspaceId, source.sourceId, BLOCKING);
    expect((await sendUnplanned('before-refresh')).rejected).toEqual([]);

    await engine.trackingPlans.refresh();
    const blocked = await sendUnplanned('after-refresh');
    expect(blocked.rejected).toEqual([expect.objectContaining({ index: 0, code: 'tracking_plan' })]);

    await other.remove(source.workspaceId, source.sourceId);
    await engine.trackingPlans.refresh();
    expect((await sendUnplanned('after-removal')).rejected).toEqual([]);
  });

  it('keeps one workspace’s plan off another workspace’s source of the same id', async () => {
    await engine.trackingPlans.put(source.workspaceId, source.sourceId, BLOCKING);
    const elsewhere = await engine.collector.collect({
      source: { workspaceId: 'ws_other', sourceId: source.sourceId },
      calls: [{ type: 'track', userId: 'm2', event: 'Unplanned' }],
      request: {},
    });
    expect(elsewhere.rejected).toEqual([]);
    await engine.trackingPlans.remove(source.workspaceId, source.sourceId);
  });
});
