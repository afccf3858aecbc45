import type { TrackingPlanInput, Violation } from '@tandem/contract';
import { MAX_VIOLATION_SAMPLES } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** A plan of two events and identify traits: what the tests send is planned or breaks it on purpose. */
const PLAN: TrackingPlanInput = {
  mode: 'report',
  forwardViolations: false,
  events: [
    {
      name: 'Order Completed',
      schema: {
        type: 'object',
        properties: { orderId: { type: 'string' }, total: { type: 'number' }, coupon: { type: 'string' } },
        required: ['orderId', 'total'],
      },
    },
    { name: 'Signed Up', schema: { type: 'object', properties: { plan: { type: 'string' } } } },
  ],
  identify: {
    schema: { type: 'object', properties: { email: { type: 'string' }, plan: { type: 'string' } } },
  },
};

type KeyIn = 'header' | 'body';
const KEY_PLACES: KeyIn[] = ['header', 'body'];

describe.each(ENGINES)('tracking plans on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  /** A source of its own with the plan in the given mode. */
  async function sourceWithPlan(name: string, plan: Partial<TrackingPlanInput> = {}) {
    const source = await server.engine.sources.create(server.workspaceId, { name });
    const response = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/sources/${source.id}/tracking-plan`,
      headers: server.owner,
      payload: { ...PLAN, ...plan },
    });
    expect(response.statusCode, response.body).toBe(200);
    return source;
  }

  /**
   * Sends a batch with its write key in the header (calls checked as they are prepared) or in the
   * body, as analytics.js sends it (checked on the event loop once the key resolves).
   */
  async function send(writeKey: string, batch: unknown[], keyIn: KeyIn = 'header') {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: keyIn === 'header' ? { authorization: basic(writeKey) } : {},
      payload: keyIn === 'header' ? { batch } : { batch, writeKey },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { success: true; rejected?: { index: number; code: string }[] };
  }

  const storedOn = (sourceId: string) =>
    server.engine.collector.recentEvents(server.workspaceId, sourceId, 100);

  async function violationsOf(sourceId: string): Promise<Violation[]> {
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/v1/sources/${sourceId}/tracking-plan/violations`,
      headers: server.owner,
    });
    expect(response.statusCode).toBe(200);
    return (response.json() as { data: Violation[] }).data;
  }

  const countOf = (violations: Violation[], event: string | null, type: string) =>
    violations.find((v) => v.event === event && v.type === type)?.count ?? 0;

  it.each(KEY_PLACES)(
    'in report mode stores every call and counts each kind of violation (write key in the %s)',
    async (keyIn) => {
      const source = await sourceWithPlan(`report-${keyIn}`);
      const answer = await send(
        source.writeKey,
        [
          { type: 'track', userId: 'r1', event: 'Order Completed', properties: { orderId: 'o1', total: 10 } },
          {
            type: 'track',
            userId: 'r1',
            event: 'Order Completed',
            properties: { orderId: 'o2', total: '10' },
          },
          { type: 'track', userId: 'r1', event: 'Order Completed', properties: { total: 3, color: 'red' } },
          { type: 'track', userId: 'r1', event: 'Page Scrolled', properties: { depth: 3 } },
          { type: 'identify', userId: 'r1', traits: { email: 'r1@example.com', plan: 7 } },
        ],
        keyIn,
      );
      expect(answer.rejected).toBeUndefined();
      expect(await storedOn(source.id)).toHaveLength(5);
      const violations = await violationsOf(source.id);
      expect(countOf(violations, 'Order Completed', 'wrong_type')).toBe(1);
      expect(countOf(violations, 'Order Completed', 'required_property_missing')).toBe(1);
      expect(countOf(violations, 'Order Completed', 'extra_property')).toBe(1);
      expect(countOf(violations, 'Page Scrolled', 'unplanned_event')).toBe(1);
      expect(countOf(violations, null, 'wrong_type')).toBe(1);
      const wrongType = violations.find((v) => v.event === 'Order Completed' && v.type === 'wrong_type');
      expect(wrongType?.samples[0]).toMatchObject({ property: 'total', valueType: 'string' });
      // Samples say where and what, never the value (it may be personal data).
      expect(JSON.stringify(violations)).not.toContain('r1@example.com');
    },
  );

  it.each(KEY_PLACES)(
    'in block mode refuses unplanned events with tracking_plan at their index in the request (write key in the %s)',
    async (keyIn) => {
      const source = await sourceWithPlan(`block-${keyIn}`, { mode: 'block_unplanned_events' });
      const answer = await send(
        source.writeKey,
        [
          { type: 'track', event: 'Order Completed' }, // no userId nor anonymousId: refused by validation
          { type: 'track', userId: 'b1', event: 'Page Scrolled', messageId: 'blocked-1' },
          {
            type: 'track',
            userId: 'b1',
            event: 'Signed Up',
            messageId: 'kept-1',
            properties: { plan: 'pro' },
          },
          { type: 'page', userId: 'b1', name: 'Home', messageId: 'page-1' },
          { type: 'track', userId: 'b1', event: 'Clicked', messageId: 'blocked-2' },
        ],
        keyIn,
      );
      expect(answer.rejected?.map(({ index, code }) => ({ index, code }))).toEqual([
        { index: 0, code: 'missing_identity' },
        { index: 1, code: 'tracking_plan' },
        { index: 4, code: 'tracking_plan' },
      ]);
      const stored = (await storedOn(source.id)).map((event) => event.messageId).sort();
      expect(stored).toEqual(['kept-1', 'page-1']);
      const rejections = await server.engine.collector.recentRejections(server.workspaceId, source.id, 10);
      expect(rejections.filter((r) => r.code === 'tracking_plan')).toHaveLength(2);
      expect(countOf(await violationsOf(source.id), 'Clicked', 'unplanned_event')).toBe(1);
    },
  );

  it.each(KEY_PLACES)(
    'in omit mode removes unplanned properties and traits from what is stored (write key in the %s)',
    async (keyIn) => {
      const source = await sourceWithPlan(`omit-${keyIn}`, { mode: 'omit_unplanned_properties' });
      const answer = await send(
        source.writeKey,
        [
          {
            type: 'track',
            userId: 'o1',
            event: 'Order Completed',
            messageId: 'omit-track',
            properties: { orderId: 'o1', total: 5, color: 'red', size: 'L' },
          },
          {
            type: 'identify',
            userId: 'o1',
            messageId: 'omit-identify',
            traits: { email: 'o@x.io', shoe: 44 },
          },
          {
            type: 'track',
            userId: 'o1',
            event: 'Unknown Thing',
            messageId: 'omit-unplanned',
            properties: { a: 1 },
          },
        ],
        keyIn,
      );
      expect(answer.rejected).toBeUndefined();
      const stored = new Map((await storedOn(source.id)).map((event) => [event.messageId, event.payload]));
      expect(stored.get('omit-track')?.properties).toEqual({ orderId: 'o1', total: 5 });
      expect(stored.get('omit-identify')?.traits).toEqual({ email: 'o@x.io' });
      // An unplanned event is kept whole: omit mode removes properties, it does not block.
      expect(stored.get('omit-unplanned')?.properties).toEqual({ a: 1 });
      // One violation per unplanned property: color and size.
      expect(countOf(await violationsOf(source.id), 'Order Completed', 'extra_property')).toBe(2);
    },
  );

  it('counts repeated violations and keeps only the latest samples', async () => {
    const source = await sourceWithPlan('counting');
    const repeats = 7;
    for (let round = 0; round < repeats; round++) {
      await send(source.writeKey, [
        {
          type: 'track',
          userId: 'c1',
          event: 'Signed Up',
          messageId: `count-${round}`,
          properties: { plan: 1 },
        },
      ]);
    }
    const [violation] = await violationsOf(source.id);
    expect(violation).toMatchObject({ event: 'Signed Up', type: 'wrong_type', count: repeats });
    expect(violation?.samples).toHaveLength(MAX_VIOLATION_SAMPLES);
    expect(violation?.samples[0]?.messageId).toBe(`count-${repeats - 1}`);
  });

  it('forwards violations as Violation Generated track calls when asked', async () => {
    const source = await sourceWithPlan('forwarding', { forwardViolations: true });
    await send(source.writeKey, [{ type: 'track', userId: 'f1', event: 'Mystery', messageId: 'mystery-1' }]);
    await expect
      .poll(async () => (await storedOn(source.id)).find((event) => event.event === 'Violation Generated'))
      .toMatchObject({
        userId: 'f1',
        payload: {
          properties: { violationType: 'unplanned_event', eventName: 'Mystery', messageId: 'mystery-1' },
        },
      });
  });

  it('exports a plan and imports it into another source unchanged', async () => {
    const from = await sourceWithPlan('export from', { mode: 'omit_unplanned_properties' });
    const exported = await server.app.inject({
      method: 'GET',
      url: `/api/v1/sources/${from.id}/tracking-plan/export`,
      headers: server.owner,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toContain('attachment');
    const into = await server.engine.sources.create(server.workspaceId, { name: 'import into' });
    const imported = await server.app.inject({
      method: 'POST',
      url: `/api/v1/sources/${into.id}/tracking-plan/import`,
      headers: server.owner,
      payload: exported.json(),
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const reexported = await server.app.inject({
      method: 'GET',
      url: `/api/v1/sources/${into.id}/tracking-plan/export`,
      headers: server.owner,
    });
    expect(reexported.json()).toEqual(exported.json());
    expect(reexported.json()).toMatchObject({ mode: 'omit_unplanned_properties', events: PLAN.events });
  });

  it('drafts a plan from the events the source already sent', async () => {
    const source = await server.engine.sources.create(server.workspaceId, { name: 'draft' });
    await send(source.writeKey, [
      { type: 'track', userId: 'd1', event: 'Cart Viewed', properties: { items: 2, currency: 'EUR' } },
      { type: 'track', userId: 'd2', event: 'Cart Viewed', properties: { items: 0 } },
      {
        type: 'track',
        userId: 'd2',
        event: 'Checkout',
        properties: { at: '2026-01-02T03:04:05Z', ok: true },
      },
      { type: 'identify', userId: 'd1', traits: { email: 'd1@example.com' } },
    ]);
    const response = await server.app.inject({
      method: 'POST',
      url: `/api/v1/sources/${source.id}/tracking-plan/draft`,
      headers: server.owner,
    });
    expect(response.statusCode).toBe(200);
    const { plan, callsSampled } = response.json() as { plan: TrackingPlanInput; callsSampled: number };
    expect(callsSampled).toBe(4);
    expect(plan.events.map((event) => event.name)).toEqual(['Cart Viewed', 'Checkout']);
    expect(plan.events[0]?.schema).toEqual({
      type: 'object',
      properties: { currency: { type: 'string' }, items: { type: 'number' } },
      required: ['items'],
    });
    expect(plan.events[1]?.schema.properties).toEqual({
      at: { type: 'string', format: 'date-time' },
      ok: { type: 'boolean' },
    });
    expect(plan.identify?.schema.properties).toEqual({ email: { type: 'string' } });
    // The draft is a valid plan as it stands.
    const saved = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/sources/${source.id}/tracking-plan`,
      headers: server.owner,
      payload: plan,
    });
    expect(saved.statusCode).toBe(200);
  });

  it('refuses an invalid JSON Schema naming its field, an unknown source, and viewers’ edits', async () => {
    const source = await server.engine.sources.create(server.workspaceId, { name: 'invalid' });
    const invalid = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/sources/${source.id}/tracking-plan`,
      headers: server.owner,
      payload: { ...PLAN, events: [{ name: 'Broken', schema: { type: 'no-such-type' } }] },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({ code: 'validation_failed' });
    expect(invalid.json().error.details[0].path).toBe('events.0.schema');

    const unknown = await server.app.inject({
      method: 'GET',
      url: '/api/v1/sources/src_nope/tracking-plan',
      headers: server.owner,
    });
    expect(unknown.statusCode).toBe(404);

    const viewer = await server.tokenFor('viewer');
    const forbidden = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/sources/${source.id}/tracking-plan`,
      headers: viewer,
      payload: PLAN,
    });
    expect(forbidden.statusCode).toBe(403);
    const noPlan = await server.app.inject({
      method: 'GET',
      url: `/api/v1/sources/${source.id}/tracking-plan`,
      headers: viewer,
    });
    expect(noPlan.statusCode).toBe(404);
  });
});
