import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../src/testing/test-server.js';

// Real SDK clients, pointed at a real listening server, as a customer's app would be.
describe.each(ENGINES)('Segment and RudderStack SDKs against Tandem on %s', (kind) => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  const stored = () => server.engine.collector.recentEvents(server.workspaceId, server.sourceId, 1000);

  it('@segment/analytics-node delivers every call type', async () => {
    const analytics = new SegmentAnalytics({
      writeKey: TEST_WRITE_KEY,
      host: url,
      flushAt: 5,
      maxRetries: 1,
    });
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));
    analytics.identify({ userId: 'seg-1', traits: { email: 'seg@example.com', plan: 'pro' } });
    analytics.track({
      userId: 'seg-1',
      event: 'Order Completed',
      properties: { total: 42.5, currency: 'EUR' },
    });
    analytics.page({
      anonymousId: 'seg-anon',
      name: 'Pricing',
      properties: { url: 'https://x.example/pricing' },
    });
    analytics.screen({ userId: 'seg-1', name: 'Cart' });
    analytics.group({ userId: 'seg-1', groupId: 'acme', traits: { name: 'Acme Inc' } });
    analytics.alias({ userId: 'seg-1', previousId: 'seg-anon' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const events = (await stored()).filter((e) => e.userId === 'seg-1' || e.anonymousId === 'seg-anon');
    expect(events.map((e) => e.type).sort()).toEqual([
      'alias',
      'group',
      'identify',
      'page',
      'screen',
      'track',
    ]);
    const order = events.find((e) => e.type === 'track');
    expect(order).toMatchObject({ event: 'Order Completed', payload: { properties: { total: 42.5 } } });
    expect(order?.payload).toMatchObject({ context: { library: { name: '@segment/analytics-node' } } });
    expect(order?.sentAt).not.toBeNull();
    const identify = events.find((e) => e.type === 'identify');
    expect(identify?.payload).toMatchObject({ traits: { email: 'seg@example.com', plan: 'pro' } });
  });

  it('@rudderstack/rudder-sdk-node delivers gzip batches', async () => {
    const analytics = new RudderAnalytics(TEST_WRITE_KEY, {
      dataPlaneUrl: url,
      flushAt: 20,
      logLevel: 'error',
    });
    analytics.identify({ userId: 'rud-1', traits: { email: 'rud@example.com' } });
    analytics.track({ userId: 'rud-1', event: 'Product Viewed', properties: { sku: 'A-1' } });
    analytics.page({ anonymousId: 'rud-anon', name: 'Home' });
    analytics.group({ userId: 'rud-1', groupId: 'globex', traits: { name: 'Globex' } });
    analytics.alias({ userId: 'rud-1', previousId: 'rud-anon' });
    await analytics.flush();

    const events = (await stored()).filter((e) => e.userId === 'rud-1' || e.anonymousId === 'rud-anon');
    expect(events.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'track']);
    expect(events.find((e) => e.type === 'track')).toMatchObject({
      event: 'Product Viewed',
      payload: { properties: { sku: 'A-1' } },
    });
  });

  it('redelivery of the same SDK messages stores nothing twice', async () => {
    const analytics = new SegmentAnalytics({ writeKey: TEST_WRITE_KEY, host: url, flushAt: 1 });
    analytics.track({ userId: 'seg-dup', event: 'Once', messageId: 'sdk-dup-1' } as never);
    analytics.track({ userId: 'seg-dup', event: 'Once', messageId: 'sdk-dup-1' } as never);
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect((await stored()).filter((e) => e.messageId === 'sdk-dup-1')).toHaveLength(1);
  });
});
