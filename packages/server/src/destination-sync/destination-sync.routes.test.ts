import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the destination sync API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown, headers = server.owner) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('writes a full file of each subscribed audience when created and when asked, newest listed first', async () => {
    await call(
      'POST',
      '/v1/batch',
      {
        batch: [
          { type: 'identify', userId: 'ada', traits: { plan: 'pro', email: 'Ada@Example.com' } },
          { type: 'identify', userId: 'bob', traits: { plan: 'free', email: 'bob@example.com' } },
        ],
      },
      writeKey,
    );
    await server.engine.pipeline.catchUp();
    const audience = await call('POST', '/api/v1/audiences', {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    await server.engine.segment.catchUp();
    const destination = await call('POST', '/api/v1/destinations', {
      name: 'Google list',
      type: 'audience-file',
      config: { format: 'google-customer-match' },
      subscriptions: [{ kind: 'audience', audienceId: audience.json().id, on: ['entered', 'exited'] }],
    });
    expect(destination.statusCode).toBe(201);
    const id = destination.json().id;
    // Creating it writes the first full file on its own.
    const fullFiles = async () =>
      (await call('GET', `/api/v1/destinations/${id}/files?kind=full`)).json().data as { id: string }[];
    await expect.poll(fullFiles, { timeout: 10_000 }).toHaveLength(1);

    const synced = await call('POST', `/api/v1/destinations/${id}/sync`);
    expect(synced.statusCode).toBe(200);
    expect(synced.json()).toMatchObject({
      type: 'audience-file',
      files: [{ kind: 'full', rows: 1, format: 'google-customer-match' }],
    });
    const listed = await fullFiles();
    expect(listed).toHaveLength(2);
    expect(listed[0]?.id).toBe(synced.json().files[0].id);
  });

  it('answers 422 for a destination without state, 404 for an unknown one, 403 to a viewer', async () => {
    const hook = await call('POST', '/api/v1/destinations', {
      name: 'Hook',
      type: 'webhook',
      config: { url: 'https://example.com/h' },
    });
    const refused = await call('POST', `/api/v1/destinations/${hook.json().id}/sync`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toMatch(/no full sync/);
    expect((await call('POST', '/api/v1/destinations/dst_nope/sync')).statusCode).toBe(404);
    const viewer = await server.tokenFor('viewer');
    expect(
      (await call('POST', `/api/v1/destinations/${hook.json().id}/sync`, undefined, viewer)).statusCode,
    ).toBe(403);
  });
});
