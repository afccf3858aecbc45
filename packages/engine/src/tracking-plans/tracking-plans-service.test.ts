import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapIfEmpty } from '../bootstrap/index.js';
import { prepareRequest } from '../collect/index.js';
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
    engine = await openTestEngine(kind, { delivery: { secretKey: randomBytes(32) } });
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

  /** A batch request prepared as the server prepares it when the write key is in the header. */
  const prepared = (calls: unknown[]) =>
    prepareRequest(
      {
        route: 'batch',
        body: Buffer.from(JSON.stringify({ batch: calls })),
        request: {},
        receivedAtMs: Date.now(),
        sourceId: source.sourceId,
      },
      undefined,
      engine.trackingPlans.screens,
    );

  it('checks calls as they are prepared, and again at admission once the plan changed meanwhile', async () => {
    await engine.trackingPlans.put(source.workspaceId, source.sourceId, BLOCKING);
    const screened = prepared([
      { type: 'track', userId: 's1', event: 'Planned', messageId: 'screen-kept' },
      { type: 'track', userId: 's1', event: 'Later Planned', messageId: 'screen-blocked' },
    ]);
    expect([...(screened.screened?.findings.values() ?? [])]).toEqual([
      expect.objectContaining({ index: 1, refusal: expect.objectContaining({ code: 'tracking_plan' }) }),
    ]);
    const admitted = await engine.collector.store(source, screened);
    expect(admitted.rejected).toEqual([expect.objectContaining({ index: 1, code: 'tracking_plan' })]);

    // Prepared under the first plan, stored under a second that plans the event: checked again.
    const stale = prepared([{ type: 'track', userId: 's1', event: 'Later Planned', messageId: 'stale' }]);
    await engine.trackingPlans.put(source.workspaceId, source.sourceId, {
      ...BLOCKING,
      events: [...BLOCKING.events, { name: 'Later Planned', schema: { type: 'object', properties: {} } }],
    });
    expect((await engine.collector.store(source, stale)).rejected).toEqual([]);
    // And the other way round: a plan removed after preparation refuses nothing.
    const orphan = prepared([{ type: 'track', userId: 's1', event: 'Unplanned', messageId: 'orphan' }]);
    expect(orphan.screened?.findings.size).toBe(1);
    await engine.trackingPlans.remove(source.workspaceId, source.sourceId);
    expect((await engine.collector.store(source, orphan)).rejected).toEqual([]);
  });

  it('drops a suppressed person’s unplanned call as suppressed, never as a plan rejection', async () => {
    await engine.trackingPlans.put(source.workspaceId, source.sourceId, BLOCKING);
    await engine.privacy.create(
      source.workspaceId,
      { type: 'suppress', identifier: { type: 'user_id', value: 'gone-1' } },
      null,
    );
    const outcome = await engine.collector.store(
      source,
      prepared([{ type: 'track', userId: 'gone-1', event: 'Unplanned', messageId: 'suppressed-unplanned' }]),
    );
    expect(outcome.rejected).toEqual([]);
    const rejections = await engine.collector.recentRejections(source.workspaceId, source.sourceId, 5);
    expect(rejections[0]).toMatchObject({
      code: 'suppressed',
      payload: { type: 'track', event: 'Unplanned' },
    });
    await engine.trackingPlans.remove(source.workspaceId, source.sourceId);
  });
});
