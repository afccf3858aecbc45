import { createHmac } from 'node:crypto';
import { PRESETS } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const writeKeyAuth = { authorization: basic(TEST_WRITE_KEY) };

describe.each(ENGINES)('the website loop on %s', (kind) => {
  let server: TestServer;
  let publishableKey: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    publishableKey = (await call('GET', `/api/v1/sources/${server.sourceId}`)).json().publishableKey;
  });
  afterAll(() => server.close());

  function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = server.owner) {
    return server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  }
  const settle = async () => {
    await server.engine.pipeline.catchUp();
    await server.engine.segment.catchUp();
  };
  const personalize = (query: string, key = publishableKey) =>
    server.app.inject({
      method: 'GET',
      url: `/v1/personalize?${query}`,
      headers: { authorization: basic(key), origin: 'https://shop.example' },
    });
  const timelineOf = async (type: string, value: string) => {
    const profile = (
      await call('GET', `/api/v1/profiles/lookup?type=${type}&value=${encodeURIComponent(value)}`)
    ).json();
    return (await call('GET', `/api/v1/profiles/${profile.id}/events`)).json().data as {
      type: string;
      event: string | null;
      properties: Record<string, unknown>;
    }[];
  };

  describe('analytics.js served as Segment’s CDN serves it', () => {
    it('serves the standalone bundle with the write key embedded, for known keys only', async () => {
      const bundle = await call('GET', `/analytics.js/v1/${TEST_WRITE_KEY}/analytics.min.js`, undefined, {});
      expect(bundle.statusCode).toBe(200);
      expect(bundle.headers['content-type']).toContain('javascript');
      expect(bundle.headers['cache-control']).toBe('public, max-age=300');
      expect(bundle.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(bundle.body).toContain(`"${TEST_WRITE_KEY}"`);
      expect(bundle.body).not.toContain('__WRITE_KEY__');
      const unknown = await call('GET', '/analytics.js/v1/wk_nobody/analytics.min.js', undefined, {});
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toBe('Unknown write key');
    });

    it('serves the lazy chunks the bundle loads, cached for a year, and nothing else', async () => {
      const bundle = (await call('GET', `/analytics.js/v1/${TEST_WRITE_KEY}/analytics.min.js`, undefined, {}))
        .body;
      // webpack's chunk file names, as the bundle builds them: ({id: name}[id] || id) + ".bundle." + {id: hash}[id] + ".js"
      const naming = /\(\{([^}]*)\}\[\w+\]\|\|\w+\)\+"\.bundle\."\+\{([^}]*)\}/.exec(bundle);
      expect(naming).not.toBeNull();
      const pairs = (text: string) =>
        new Map([...text.matchAll(/(\d+):"([^"]+)"/g)].map((m) => [m[1] as string, m[2] as string]));
      const names = pairs(naming?.[1] ?? '');
      const hashes = pairs(naming?.[2] ?? '');
      expect(hashes.size).toBeGreaterThanOrEqual(5);
      for (const [id, hash] of hashes) {
        const file = `${names.get(id) ?? id}.bundle.${hash}.js`;
        const chunk = await call('GET', `/analytics-next/bundles/${file}`, undefined, {});
        expect(chunk.statusCode, file).toBe(200);
        expect(chunk.headers['content-type']).toContain('javascript');
        expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(chunk.headers['cross-origin-resource-policy']).toBe('cross-origin');
      }
      expect((await call('GET', '/analytics-next/bundles/..%2Fpackage.json', undefined, {})).statusCode).toBe(
        404,
      );
      expect((await call('GET', '/analytics-next/bundles/standalone.js.map', undefined, {})).statusCode).toBe(
        404,
      );
    });

    it('answers the settings analytics.js reads, pointing it at this host', async () => {
      const settings = await server.app.inject({
        method: 'GET',
        url: `/v1/projects/${TEST_WRITE_KEY}/settings`,
        headers: { host: 'tandem.example:8080', origin: 'https://shop.example' },
      });
      expect(settings.statusCode).toBe(200);
      expect(settings.headers['access-control-allow-origin']).toBe('*');
      expect(settings.json().integrations['Segment.io']).toMatchObject({
        apiKey: TEST_WRITE_KEY,
        apiHost: 'tandem.example:8080/v1',
        protocol: 'http',
      });
      expect(settings.json().metrics).toEqual({ sampleRate: 0 });
      expect((await call('GET', '/v1/projects/wk_nobody/settings', undefined, {})).statusCode).toBe(404);
    });

    it('takes analytics.js’s short paths: text/plain bodies with the write key inside', async () => {
      const paths = {
        i: { type: 'identify', userId: 'short-u', anonymousId: 'short-a', traits: { plan: 'pro' } },
        t: { type: 'track', anonymousId: 'short-a', event: 'Viewed Pricing', properties: { tier: 2 } },
        p: { type: 'page', anonymousId: 'short-a', name: 'Pricing' },
        s: { type: 'screen', anonymousId: 'short-a', name: 'Feed' },
        g: { type: 'group', userId: 'short-u', groupId: 'acme', traits: { name: 'Acme' } },
        a: { type: 'alias', userId: 'short-u', previousId: 'short-a' },
      };
      for (const [letter, body] of Object.entries(paths)) {
        const response = await server.app.inject({
          method: 'POST',
          url: `/v1/${letter}`,
          headers: { 'content-type': 'text/plain' },
          payload: JSON.stringify({ ...body, writeKey: TEST_WRITE_KEY, messageId: `short-${letter}` }),
        });
        expect(response.statusCode, letter).toBe(200);
        expect(response.json()).toEqual({ success: true });
      }
      const batch = await server.app.inject({
        method: 'POST',
        url: '/v1/b',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({
          writeKey: TEST_WRITE_KEY,
          batch: [
            { type: 'track', anonymousId: 'short-a', event: 'Batched', messageId: 'short-b1' },
            { type: 'track', anonymousId: 'short-a', messageId: 'short-b2' },
          ],
        }),
      });
      expect(batch.statusCode).toBe(200);
      expect(batch.json().rejected).toMatchObject([{ index: 1 }]);
      const refused = await server.app.inject({
        method: 'POST',
        url: '/v1/t',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({ writeKey: 'wk_nobody', anonymousId: 'x', event: 'E' }),
      });
      expect(refused.statusCode).toBe(401);
      await settle();
      const timeline = await timelineOf('user_id', 'short-u');
      expect(timeline.map((e) => e.type).sort()).toEqual(
        ['alias', 'group', 'identify', 'page', 'screen', 'track', 'track'].sort(),
      );
      expect(timeline.find((e) => e.event === 'Viewed Pricing')?.properties).toEqual({ tier: 2 });
    });

    it('serves tandem.js', async () => {
      const script = await call('GET', '/v1/tandem.js', undefined, {});
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toContain('javascript');
      expect(script.body).toContain('tandem.profile = function');
    });
  });

  describe('the personalization API', () => {
    let vipId: string;
    beforeAll(async () => {
      await call(
        'POST',
        '/v1/batch',
        {
          batch: [
            {
              type: 'identify',
              userId: 'ada',
              anonymousId: 'anon-ada',
              traits: { plan: 'pro', email: 'ada@example.com', secretScore: 99 },
            },
            { type: 'track', userId: 'ada', event: 'Order Completed', properties: { total: 70 } },
            { type: 'identify', userId: 'bob', traits: { plan: 'free' } },
          ],
        },
        writeKeyAuth,
      );
      await settle();
      vipId = (
        await call('POST', '/api/v1/audiences', {
          name: 'Pro plan',
          rule: { trait: 'plan', op: 'eq', value: 'pro' },
        })
      ).json().id;
      await call('POST', '/api/v1/audiences', {
        name: 'Hidden',
        rule: { trait: 'plan', op: 'eq', value: 'pro' },
      });
      await call('POST', '/api/v1/computed-traits', {
        name: 'orders',
        kind: 'count',
        event: 'Order Completed',
      });
      await call('POST', '/api/v1/computed-traits', {
        name: 'private_count',
        kind: 'count',
        event: 'Order Completed',
      });
      await settle();
    });

    it('exposes nothing until the workspace says what', async () => {
      expect((await call('GET', '/api/v1/personalization/settings')).json()).toEqual({
        traits: [],
        computedTraits: [],
        audiences: [],
      });
      const answer = await personalize('userId=ada');
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toEqual({ traits: {}, computedTraits: {}, audiences: [] });
    });

    it('answers only the exposed traits, computed traits and audience names', async () => {
      const put = await call('PUT', '/api/v1/personalization/settings', {
        traits: ['plan', 'missing'],
        computedTraits: ['orders'],
        audiences: [vipId],
      });
      expect(put.statusCode).toBe(200);
      const expected = { traits: { plan: 'pro' }, computedTraits: { orders: 1 }, audiences: ['Pro plan'] };
      const byUser = await personalize('userId=ada');
      expect(byUser.statusCode).toBe(200);
      expect(byUser.json()).toEqual(expected);
      expect(byUser.headers['cache-control']).toBe('private, max-age=10');
      expect(byUser.headers['access-control-allow-origin']).toBe('*');
      expect((await personalize('anonymousId=anon-ada')).json()).toEqual(expected);
      // A userId not known yet falls back to the anonymousId (a visitor who just signed up).
      expect((await personalize('userId=new-id&anonymousId=anon-ada')).json()).toEqual(expected);
      expect((await personalize('userId=bob')).json()).toEqual({
        traits: { plan: 'free' },
        computedTraits: { orders: 0 },
        audiences: [],
      });
    });

    it('follows merges: an anonymous visitor who later identified answers as the merged profile', async () => {
      await call(
        'POST',
        '/v1/batch',
        {
          batch: [
            { type: 'page', anonymousId: 'anon-merge', name: 'Home' },
            { type: 'identify', userId: 'merge-user', traits: { plan: 'pro' } },
          ],
        },
        writeKeyAuth,
      );
      await settle();
      expect((await personalize('anonymousId=anon-merge')).json().traits).toEqual({});
      await call('POST', '/v1/identify', { userId: 'merge-user', anonymousId: 'anon-merge' }, writeKeyAuth);
      await settle();
      const merged = await personalize('anonymousId=anon-merge');
      expect(merged.json()).toMatchObject({ traits: { plan: 'pro' }, audiences: ['Pro plan'] });
    });

    it('answers an unknown visitor with the same shape, empty, and asks for an id', async () => {
      const unknown = await personalize('anonymousId=never-seen');
      expect(unknown.statusCode).toBe(200);
      // Exactly what a known visitor with nothing stored gets: the id's existence does not show.
      expect(unknown.json()).toEqual({ traits: {}, computedTraits: { orders: 0 }, audiences: [] });
      const none = await personalize('');
      expect(none.statusCode).toBe(400);
      expect(none.json().error.details).toEqual([
        { path: 'anonymousId', message: 'anonymousId or userId is required' },
      ]);
    });

    it('answers a visitor without the personalization purpose like an unknown one, edits showing at once', async () => {
      const unknown = (await personalize('anonymousId=never-seen')).json();
      const adaId = (await call('GET', '/api/v1/profiles/lookup?type=user_id&value=ada')).json().id;
      const decide = async (granted: boolean) =>
        expect(
          (await call('PUT', `/api/v1/profiles/${adaId}/consent`, { purposes: { personalization: granted } }))
            .statusCode,
        ).toBe(200);
      await decide(false);
      expect((await personalize('userId=ada')).json()).toEqual(unknown);
      expect((await personalize('anonymousId=anon-ada')).json()).toEqual(unknown);
      await decide(true);
      expect((await personalize('userId=ada')).json().traits).toEqual({ plan: 'pro' });
      // Bob never decided: the workspace default answers for him, ada's decision for her.
      const setDefault = async (defaultMode: string) =>
        expect((await call('PUT', '/api/v1/consent/settings', { defaultMode })).statusCode).toBe(200);
      await setDefault('opt-in');
      expect((await personalize('userId=bob')).json()).toEqual(unknown);
      expect((await personalize('userId=ada')).json().traits).toEqual({ plan: 'pro' });
      await setDefault('opt-out');
      expect((await personalize('userId=bob')).json().traits).toEqual({ plan: 'free' });
    });

    it('shows a trait changed by an event at the next request', async () => {
      expect((await personalize('userId=bob')).json().traits).toEqual({ plan: 'free' });
      await call('POST', '/v1/identify', { userId: 'bob', traits: { plan: 'team' } }, writeKeyAuth);
      await settle();
      expect((await personalize('userId=bob')).json().traits).toEqual({ plan: 'team' });
    });

    it('takes the publishable key only: the write key is refused, and vice versa', async () => {
      expect(publishableKey).toMatch(/^pk_/);
      const withWriteKey = await personalize('userId=ada', TEST_WRITE_KEY);
      expect(withWriteKey.statusCode).toBe(401);
      expect(withWriteKey.json().error.message).toBe('Unknown publishable key');
      // The page's script can read why (CORS on errors too), even for a malformed query.
      expect(withWriteKey.headers['access-control-allow-origin']).toBe('*');
      const malformed = await personalize('anonymousId=');
      expect(malformed.statusCode).toBe(400);
      expect(malformed.headers['access-control-allow-origin']).toBe('*');
      const anonymous = await server.app.inject({ method: 'GET', url: '/v1/personalize?userId=ada' });
      expect(anonymous.statusCode).toBe(401);
      const tracking = await server.app.inject({
        method: 'POST',
        url: '/v1/track',
        headers: { authorization: basic(publishableKey) },
        payload: { userId: 'ada', event: 'Forged' },
      });
      expect(tracking.statusCode).toBe(401);
      const settings = await call('GET', `/v1/projects/${publishableKey}/settings`, undefined, {});
      expect(settings.statusCode).toBe(404);
    });

    it('answers the CORS preflight of any origin', async () => {
      const preflight = await server.app.inject({
        method: 'OPTIONS',
        url: '/v1/personalize?userId=ada',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(preflight.headers['access-control-allow-headers']).toBe('authorization');
      expect(preflight.headers['access-control-allow-methods']).toContain('GET');
    });

    it('lets only source writers change the settings; readers see them', async () => {
      const viewer = await server.tokenFor('viewer');
      expect((await call('GET', '/api/v1/personalization/settings', undefined, viewer)).statusCode).toBe(200);
      const denied = await call(
        'PUT',
        '/api/v1/personalization/settings',
        { traits: [], computedTraits: [], audiences: [] },
        viewer,
      );
      expect(denied.statusCode).toBe(403);
      const invalid = await call('PUT', '/api/v1/personalization/settings', { traits: 'plan' });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.message).toContain('traits');
    });

    it('shows the publishable key to every reader of the source, and rotates it', async () => {
      const viewer = await server.tokenFor('viewer');
      const seen = (await call('GET', '/api/v1/sources', undefined, viewer)).json().data;
      expect(seen.find((s: { id: string }) => s.id === server.sourceId)).toMatchObject({ publishableKey });
      expect(seen.find((s: { id: string }) => s.id === server.sourceId).writeKey).toBeUndefined();
      const rotated = await call('POST', `/api/v1/sources/${server.sourceId}/publishable-key`);
      expect(rotated.statusCode).toBe(200);
      const fresh = rotated.json().publishableKey;
      expect(fresh).toMatch(/^pk_/);
      expect(fresh).not.toBe(publishableKey);
      expect((await personalize('userId=ada')).statusCode).toBe(401);
      expect((await personalize('userId=ada', fresh)).json().traits).toEqual({ plan: 'pro' });
      publishableKey = fresh;
    });
  });

  describe('webhook sources', () => {
    const createWebhookSource = async (name: string) => {
      const created = await call('POST', '/api/v1/sources', { name, kind: 'webhook' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ kind: 'webhook' });
      expect(created.json().writeKey).toBeUndefined();
      return created.json().id as string;
    };
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      server.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/json', ...headers },
        payload: body,
      });

    it('maps a Shopify orders/create payload to identify + Order Completed, verified by its HMAC', async () => {
      const sourceId = await createWebhookSource('Shop');
      const secret = 'shpss_test_secret';
      const put = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, {
        preset: 'shopify-orders',
        signingSecret: secret,
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({
        preset: 'shopify-orders',
        signature: 'shopify',
        hasSigningSecret: true,
      });
      expect(JSON.stringify(put.json())).not.toContain(secret);
      // At rest the secret is sealed, never kept as typed.
      const stored = await server.engine.store.db
        .selectFrom('webhook_sources')
        .select('signing_secret')
        .where('source_id', '=', sourceId)
        .executeTakeFirstOrThrow();
      expect(stored.signing_secret).toMatch(/^v1:/);
      expect(stored.signing_secret).not.toContain(secret);
      const path = put.json().inboundPath as string;
      const body = JSON.stringify(PRESETS['shopify-orders'].samplePayload);
      const hmac = createHmac('sha256', secret).update(body).digest('base64');

      const unsigned = await post(path, body);
      expect(unsigned.statusCode).toBe(401);
      expect(unsigned.json().error.message).toContain('X-Shopify-Hmac-Sha256');
      const forged = await post(path, body, {
        'x-shopify-hmac-sha256': createHmac('sha256', 'x').update(body).digest('base64'),
      });
      expect(forged.statusCode).toBe(401);

      const accepted = await post(path, body, {
        'x-shopify-hmac-sha256': hmac,
        'x-shopify-topic': 'orders/create',
      });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toEqual({ success: true });
      // Shopify retries a webhook until answered: the same order is stored once.
      expect((await post(path, body, { 'x-shopify-hmac-sha256': hmac })).statusCode).toBe(200);
      await settle();
      const timeline = await timelineOf('email', 'jon@example.com');
      expect(timeline.map((e) => e.event ?? e.type).sort()).toEqual(['Order Completed', 'identify']);
      const order = timeline.find((e) => e.event === 'Order Completed');
      expect(order?.properties).toMatchObject({
        order_id: '5839426339066',
        total: 403,
        subtotal: 388,
        revenue: 368,
        shipping: 10,
        tax: 0,
        discount: 20,
        coupon: 'SPRING20',
        currency: 'USD',
        products: [
          {
            product_id: '8072479047930',
            sku: 'IPOD2008PINK',
            name: 'IPod Nano - 8GB',
            price: 199,
            quantity: 1,
          },
          { sku: 'IPOD2008RED', price: 189, quantity: 1, variant: 'Red', brand: 'Apple' },
        ],
      });
      const profile = (await call('GET', '/api/v1/profiles/lookup?type=email&value=jon@example.com')).json();
      expect(profile.traits).toMatchObject({ firstName: 'John', lastName: 'Smith' });
    });

    it('maps a Stripe charge.succeeded event, checking Stripe-Signature, ignoring other events', async () => {
      const sourceId = await createWebhookSource('Payments');
      const secret = 'whsec_test_secret';
      const put = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, {
        preset: 'stripe-charges',
        signingSecret: secret,
      });
      const path = put.json().inboundPath as string;
      const sign = (body: string, at = Math.floor(Date.now() / 1000)) =>
        `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
      const body = JSON.stringify(PRESETS['stripe-charges'].samplePayload);

      const stale = await post(path, body, {
        'stripe-signature': sign(body, Math.floor(Date.now() / 1000) - 3600),
      });
      expect(stale.statusCode).toBe(401);
      expect(stale.json().error.message).toContain('timestamp');
      expect((await post(path, body, { 'stripe-signature': sign(body) })).statusCode).toBe(200);
      const other = JSON.stringify({
        id: 'evt_other',
        type: 'customer.created',
        created: 1,
        data: { object: {} },
      });
      const ignored = await post(path, other, { 'stripe-signature': sign(other) });
      expect(ignored.statusCode).toBe(200);
      await settle();
      const timeline = await timelineOf('user_id', 'user_42');
      const order = timeline.find((e) => e.event === 'Order Completed');
      expect(order?.properties).toMatchObject({
        order_id: 'pi_3MtwBwLkdIwHu7ix28a3tqPa',
        charge_id: 'ch_3MtwBwLkdIwHu7ix0fYv3yZ0',
        total: 49.99,
        currency: 'EUR',
        customer: 'cus_NffrFeUfNV2Hib',
      });
      expect(timeline).toHaveLength(2);
    });

    it('switching presets switches the signature check, and asks for the new sender’s secret', async () => {
      const sourceId = await createWebhookSource('Switching');
      const shopify = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, {
        preset: 'shopify-orders',
        signingSecret: 'shpss_old',
      });
      expect(shopify.json()).toMatchObject({ signature: 'shopify', hasSigningSecret: true });
      // Shopify's secret kept under Stripe's check would refuse every call: the answer says so.
      const keptSecret = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, {
        preset: 'stripe-charges',
      });
      expect(keptSecret.statusCode).toBe(400);
      expect(keptSecret.json().error.message).toContain('signingSecret');
      expect(keptSecret.json().error.details).toEqual([expect.objectContaining({ path: 'signingSecret' })]);
      const secret = 'whsec_new';
      const stripe = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, {
        preset: 'stripe-charges',
        signingSecret: secret,
      });
      expect(stripe.statusCode).toBe(200);
      expect(stripe.json()).toMatchObject({
        preset: 'stripe-charges',
        signature: 'stripe',
        hasSigningSecret: true,
      });
      const body = JSON.stringify(PRESETS['stripe-charges'].samplePayload);
      const at = Math.floor(Date.now() / 1000);
      const signed = `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
      const path = stripe.json().inboundPath as string;
      expect((await post(path, body, { 'stripe-signature': signed })).statusCode).toBe(200);
      // The same preset again keeps the scheme and the secret.
      const again = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, { preset: 'stripe-charges' });
      expect(again.json()).toMatchObject({ signature: 'stripe', hasSigningSecret: true });
    });

    it('tests a mapping on a sample payload without storing, naming the problems', async () => {
      const sourceId = await createWebhookSource('POS');
      const presets = (await call('GET', '/api/v1/webhook-presets')).json().data;
      expect(presets.map((p: { id: string }) => p.id)).toEqual(['shopify-orders', 'stripe-charges']);
      const stripe = presets[1];
      const tried = await call('POST', `/api/v1/sources/${sourceId}/webhook/test`, {
        payload: stripe.samplePayload,
        mapping: stripe.mapping,
      });
      expect(tried.statusCode).toBe(200);
      expect(tried.json().problems).toEqual([]);
      expect(tried.json().calls.map((c: { type: string }) => c.type)).toEqual(['identify', 'track']);
      const bad = await call('POST', `/api/v1/sources/${sourceId}/webhook/test`, {
        payload: { sku: 'A' },
        mapping:
          '[{"type": "track", "anonymousId": "x"}, {"type": "track", "anonymousId": "x", "event": sku}]',
      });
      expect(bad.json().problems).toMatchObject([{ index: 0 }]);
      expect(bad.json().problems[0].message).toContain('event');
      const syntax = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, { mapping: '{"type": ' });
      expect(syntax.statusCode).toBe(400);
      expect(syntax.json().error.details[0].path).toBe('mapping');
      const runaway = await call('POST', `/api/v1/sources/${sourceId}/webhook/test`, {
        payload: {},
        mapping: '($f := function($n) { $n > 0 ? $f($n - 1) + $f($n - 1) : 1 }; $f(40))',
      });
      expect(runaway.statusCode).toBe(400);
      expect(runaway.json().error.details[0].path).toBe('mapping');
      // A tracking source has no webhook mapping.
      const tracking = await call('PUT', `/api/v1/sources/${server.sourceId}/webhook`, {
        preset: 'stripe-charges',
      });
      expect(tracking.statusCode).toBe(409);
    });

    it('stores the good calls of a payload and names the bad ones; refuses what gives none', async () => {
      const sourceId = await createWebhookSource('Custom');
      const put = await call('PUT', `/api/v1/sources/${sourceId}/webhook`, {
        mapping:
          'items.{"type": "track", "anonymousId": "pos-" & $string($$.store), "event": name, "messageId": id}',
      });
      const path = put.json().inboundPath as string;
      const mixed = await post(
        path,
        JSON.stringify({
          store: 7,
          items: [{ id: 'm1', name: 'Item Scanned' }, { id: 'm2' }, { id: 'm3', name: 'Paid' }],
        }),
      );
      expect(mixed.statusCode).toBe(200);
      expect(mixed.json().rejected).toMatchObject([{ index: 1 }]);
      const none = await post(path, JSON.stringify({ store: 7, items: [{ id: 'm4' }] }));
      expect(none.statusCode).toBe(400);
      expect(none.json().error.details[0].path).toBe('calls.0');
      expect((await post(path, '{not json')).statusCode).toBe(400);
      expect((await post('/v1/webhooks/whk_unknown', '{}')).statusCode).toBe(404);
      await settle();
      const timeline = await timelineOf('anonymous_id', 'pos-7');
      expect(timeline.map((e) => e.event).sort()).toEqual(['Item Scanned', 'Paid']);
    });
  });
});
