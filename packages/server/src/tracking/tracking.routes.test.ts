import { gzipSync } from 'node:zlib';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const auth = { authorization: basic(TEST_WRITE_KEY) };

describe.each(ENGINES)('the Tracking API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const stored = () => server.engine.collector.recentEvents(server.workspaceId, server.sourceId, 1000);
  const byMessageId = async (messageId: string) => (await stored()).filter((e) => e.messageId === messageId);

  it('stores each call type and answers {success: true}', async () => {
    const calls = {
      identify: { userId: 'u1', traits: { email: 'a@b.co' } },
      track: { userId: 'u1', event: 'Order Completed', properties: { total: 20 } },
      page: { anonymousId: 'a1', name: 'Home' },
      screen: { anonymousId: 'a1', name: 'Feed' },
      group: { userId: 'u1', groupId: 'g1', traits: { name: 'Acme' } },
      alias: { userId: 'u1', previousId: 'a1' },
    };
    for (const [type, call] of Object.entries(calls)) {
      const messageId = `single-${type}`;
      const response = await server.app.inject({
        method: 'POST',
        url: `/v1/${type}`,
        headers: auth,
        payload: { ...call, messageId },
      });
      expect(response.statusCode, type).toBe(200);
      expect(response.json()).toEqual({ success: true });
      const [event] = await byMessageId(messageId);
      expect(event).toMatchObject({ type, messageId });
    }
  });

  it('accepts the write key in the body', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      payload: { writeKey: TEST_WRITE_KEY, userId: 'u2', event: 'Signed Up', messageId: 'body-key' },
    });
    expect(response.statusCode).toBe(200);
    expect(await byMessageId('body-key')).toHaveLength(1);
  });

  it('refuses a missing or unknown write key with 401', async () => {
    const missing = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      payload: { userId: 'u', event: 'e' },
    });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('unauthorized');
    const unknown = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basic('nope') },
      payload: { userId: 'u', event: 'e' },
    });
    expect(unknown.statusCode).toBe(401);
  });

  it('stores the good calls of a batch and lists the bad ones', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: {
        batch: [
          { type: 'track', userId: 'u3', event: 'Viewed', messageId: 'batch-ok-1' },
          { type: 'track', userId: 'u3', messageId: 'batch-bad-1' },
          { type: 'identify', messageId: 'batch-bad-2', traits: {} },
          { type: 'page', anonymousId: 'a3', messageId: 'batch-ok-2' },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.success).toBe(true);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(body.rejected[0].message).toContain('event');
    expect(await byMessageId('batch-ok-1')).toHaveLength(1);
    expect(await byMessageId('batch-ok-2')).toHaveLength(1);
    expect(await byMessageId('batch-bad-1')).toHaveLength(0);
    const rejections = await server.engine.collector.recentRejections(
      server.workspaceId,
      server.sourceId,
      10,
    );
    expect(rejections.length).toBeGreaterThanOrEqual(2);
  });

  it('answers a refused single call with 400 naming the field', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: auth,
      payload: { userId: 'u' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('event');
  });

  it('never stores a messageId twice for a source', async () => {
    const payload = { userId: 'u4', event: 'Clicked', messageId: 'dup-1' };
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await server.app.inject({ method: 'POST', url: '/v1/track', headers: auth, payload })).statusCode,
      ).toBe(200);
    }
    expect(await byMessageId('dup-1')).toHaveLength(1);
  });

  it('accepts gzip bodies and JSON sent as text/plain', async () => {
    const gz = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(
        JSON.stringify({ batch: [{ type: 'track', userId: 'u5', event: 'Zipped', messageId: 'gz-1' }] }),
      ),
    });
    expect(gz.statusCode).toBe(200);
    expect(await byMessageId('gz-1')).toHaveLength(1);
    const text = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: JSON.stringify({ userId: 'u5', event: 'Beacon', messageId: 'text-1' }),
    });
    expect(text.statusCode).toBe(200);
  });

  it('answers browser preflights for any origin', async () => {
    const response = await server.app.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
  });

  it('answers malformed JSON with 400 and oversized requests with 413', async () => {
    const malformed = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"batch": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('invalid_json');

    const big = 'x'.repeat(600 * 1024);
    const tooBig = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: { batch: [{ type: 'track', userId: 'u', event: 'e', properties: { big } }] },
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.message).toContain('512000');

    const tooMany = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: { batch: Array.from({ length: 2501 }, () => ({})) },
    });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error.message).toContain('2500');

    const bigCall = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: auth,
      payload: { userId: 'u', event: 'e', properties: { big: 'y'.repeat(40 * 1024) } },
    });
    expect(bigCall.statusCode).toBe(413);
  });

  it('rejects a call over 32 KB inside a batch but keeps its neighbours', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: {
        batch: [
          { type: 'track', userId: 'u6', event: 'Big', properties: { big: 'z'.repeat(40 * 1024) } },
          { type: 'track', userId: 'u6', event: 'Small', messageId: 'neighbour-1' },
        ],
      },
    });
    expect(response.json().rejected).toEqual([expect.objectContaining({ index: 0, code: 'call_too_large' })]);
    expect(await byMessageId('neighbour-1')).toHaveLength(1);
  });

  it('rejects a call over the properties, traits or nesting limit, naming it, and keeps its neighbours', async () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: auth,
      payload: {
        batch: [
          { type: 'track', userId: 'u6', event: 'Wide', properties: keys(1001) },
          { type: 'identify', userId: 'u6', traits: keys(1001) },
          { type: 'track', userId: 'u6', event: 'Deep', properties: { deep } },
          { type: 'track', userId: 'u6', event: 'Small', messageId: 'neighbour-2', properties: keys(1000) },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().rejected).toEqual([
      {
        index: 0,
        code: 'limit_exceeded',
        message:
          '`properties` holds 1,001 keys (nested keys count); the limit is 1,000 (TANDEM_MAX_PROPERTIES_PER_EVENT)',
      },
      {
        index: 1,
        code: 'limit_exceeded',
        message:
          '`traits` holds 1,001 keys (nested keys count); the limit is 1,000 (TANDEM_MAX_TRAITS_PER_CALL)',
      },
      {
        index: 2,
        code: 'limit_exceeded',
        message:
          '`properties` nests objects and arrays deeper than the limit of 32 levels (TANDEM_MAX_CALL_DEPTH)',
      },
    ]);
    expect(await byMessageId('neighbour-2')).toHaveLength(1);

    const single = await server.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: auth,
      payload: { userId: 'u6', traits: keys(1001) },
    });
    expect(single.statusCode).toBe(400);
    expect(single.json().error.message).toContain('the limit is 1,000 (TANDEM_MAX_TRAITS_PER_CALL)');
  });

  it('fills context.ip from the connection', async () => {
    await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { ...auth, 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)' },
      remoteAddress: '203.0.113.9',
      payload: { userId: 'u7', event: 'Opened', messageId: 'ip-1' },
    });
    const [event] = await byMessageId('ip-1');
    expect(event?.payload).toMatchObject({ context: { ip: '203.0.113.9' } });
  });
});

describe('backpressure', () => {
  it('answers 429 with Retry-After when the write queue is full', async () => {
    const server = await startTestServer('sqlite', { TANDEM_MAX_QUEUED_EVENTS: '100' });
    try {
      const requests = Array.from({ length: 5 }, (_, r) => {
        const batch = Array.from({ length: 60 }, (_, i) => ({
          type: 'track',
          userId: 'u',
          event: 'e',
          messageId: `bp-${r}-${i}`,
        }));
        return server.app.inject({ method: 'POST', url: '/v1/batch', headers: auth, payload: { batch } });
      });
      const responses = await Promise.all(requests);
      expect(responses.map((r) => r.statusCode)).toContain(200);
      const response = responses.find((r) => r.statusCode === 429);
      if (!response) throw new Error('no request was refused');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(response.json().error.code).toBe('overloaded');
    } finally {
      await server.close();
    }
  });
});

describe('pipeline backpressure', () => {
  it('answers 429 with Retry-After while the pipeline lags past its bound, and recovers', async () => {
    // The test server does not run the pipeline, so every event stored adds to the lag.
    const server = await startTestServer('sqlite', { TANDEM_MAX_PIPELINE_LAG: '5' });
    try {
      const batch = Array.from({ length: 10 }, (_, i) => ({
        type: 'track',
        userId: 'lag',
        event: 'e',
        messageId: `lag-${i}`,
      }));
      const first = await server.app.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: auth,
        payload: { batch },
      });
      expect(first.statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      // The lag is read at most once a second, off the request's path: this call starts a reading.
      await server.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: auth,
        payload: { userId: 'lag', event: 'e' },
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const refused = await server.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: auth,
        payload: { userId: 'lag', event: 'e' },
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json().error.message).toContain('pipeline');

      await server.engine.pipeline.catchUp();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await server.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: auth,
        payload: { userId: 'lag', event: 'e' },
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const accepted = await server.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: auth,
        payload: { userId: 'lag', event: 'e' },
      });
      expect(accepted.statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('client addresses behind a proxy', () => {
  it('takes X-Forwarded-For only when TANDEM_TRUST_PROXY is set', async () => {
    for (const [trust, expected] of [
      ['false', '198.51.100.1'],
      ['true', '203.0.113.50'],
    ] as const) {
      const server = await startTestServer('sqlite', { TANDEM_TRUST_PROXY: trust });
      try {
        await server.app.inject({
          method: 'POST',
          url: '/v1/track',
          headers: { ...auth, 'x-forwarded-for': '203.0.113.50' },
          remoteAddress: '198.51.100.1',
          payload: { userId: 'proxy', event: 'Opened', messageId: `xff-${trust}` },
        });
        const [event] = await server.engine.collector.recentEvents(server.workspaceId, server.sourceId, 1);
        expect(event?.payload).toMatchObject({ context: { ip: expected } });
      } finally {
        await server.close();
      }
    }
  });
});
