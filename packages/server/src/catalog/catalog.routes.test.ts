import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the catalog and computed-trait preview API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
    await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: [
          { type: 'identify', userId: 'ada', traits: { plan: 'pro', seats: 12 } },
          {
            type: 'track',
            userId: 'ada',
            event: 'Order Completed',
            properties: { total: 70, currency: 'EUR' },
          },
          {
            type: 'track',
            userId: 'ada',
            event: 'Order Completed',
            properties: { total: 30, currency: 'EUR' },
          },
          { type: 'identify', userId: 'bob', traits: { plan: 'free' } },
          { type: 'track', userId: 'bob', event: 'Signed Up' },
        ],
      },
    });
    await server.engine.pipeline.catchUp();
  });
  afterAll(() => server.close());
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });

  it('lists trait names with types and examples', async () => {
    const response = await call('GET', '/api/v1/catalog/traits');
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toEqual([
      { name: 'plan', type: 'string', examples: ['free', 'pro'], profiles: 2, profilesCapped: false },
      { name: 'seats', type: 'number', examples: [12], profiles: 1, profilesCapped: false },
    ]);
  });

  it('lists event names with counts and their properties', async () => {
    const response = await call('GET', '/api/v1/catalog/events');
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toEqual([
      expect.objectContaining({
        name: 'Order Completed',
        count: 2,
        properties: [
          { name: 'currency', type: 'string', examples: ['EUR'] },
          { name: 'total', type: 'number', examples: [30, 70] },
        ],
      }),
      expect.objectContaining({ name: 'Signed Up', count: 1, properties: [] }),
    ]);
  });

  it('previews a computed trait on a sample of profiles and names what is missing', async () => {
    const preview = await call('POST', '/api/v1/computed-traits/preview', {
      definition: { name: 'spend', kind: 'sum', event: 'Order Completed', property: 'total' },
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({
      profiles: 1,
      withValue: 1,
      sample: [{ profileId: expect.stringMatching(/^prof_/), value: 100 }],
    });
    const invalid = await call('POST', '/api/v1/computed-traits/preview', {
      definition: { name: 'spend', kind: 'max', event: 'Order Completed' },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().error.details).toEqual([
      { path: 'property', message: 'a max trait needs the property it aggregates' },
    ]);
    const badWindow = await call('POST', '/api/v1/computed-traits/preview', {
      definition: { name: 'spend', kind: 'count', event: 'Order Completed', within: 'a week' },
    });
    expect(badWindow.statusCode).toBe(400);
    expect(JSON.stringify(badWindow.json().error)).toContain('within');
  });
});
