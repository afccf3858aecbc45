import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(ENGINES)('the consent center API and the public page on %s', (kind) => {
  let server: TestServer;
  let lenId: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const preferences = (day: number, categoryPreferences: Record<string, boolean>) => ({
      type: 'track',
      userId: 'len',
      event: 'Consent Updated',
      timestamp: `2024-05-0${day}T00:00:00.000Z`,
      context: { consent: { categoryPreferences }, ip: '203.0.113.9', userAgent: 'Banner/1' },
    });
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: [
          { type: 'identify', userId: 'len', traits: { plan: 'pro' }, timestamp: '2024-05-01T00:00:00.000Z' },
          preferences(2, { marketing: false }),
          preferences(3, { analytics: true }),
          preferences(4, { marketing: true }),
        ],
      },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    lenId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'len')).id;
  });
  afterAll(() => server.close());
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });

  it('pages a person’s consent history with the source and proof of each decision', async () => {
    const first = await call('GET', `/api/v1/profiles/${lenId}/consent/history?limit=2`);
    expect(first.statusCode).toBe(200);
    expect(
      first.json().data.map((d: { purpose: string; granted: boolean }) => [d.purpose, d.granted]),
    ).toEqual([
      ['marketing', true],
      ['analytics', true],
    ]);
    expect(first.json().data[0]).toMatchObject({
      source: { kind: 'event' },
      proof: { ip: '203.0.113.9', userAgent: 'Banner/1', wording: null },
    });
    const cursor = encodeURIComponent(first.json().nextCursor);
    const second = await call('GET', `/api/v1/profiles/${lenId}/consent/history?limit=2&cursor=${cursor}`);
    expect(second.json()).toMatchObject({
      data: [{ purpose: 'marketing', granted: false }],
      nextCursor: null,
    });
    const marketing = await call('GET', `/api/v1/profiles/${lenId}/consent/history?purpose=marketing`);
    expect(marketing.json().data).toHaveLength(2);

    const tooMany = await call('GET', `/api/v1/profiles/${lenId}/consent/history?limit=5000`);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0].path).toBe('querystring.limit');
    const badCursor = await call('GET', `/api/v1/profiles/${lenId}/consent/history?cursor=xyz`);
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'cursor' }],
    });
    expect((await call('GET', '/api/v1/profiles/prof_nobody/consent/history')).statusCode).toBe(404);
  });

  it('lets the person grant and withdraw purposes on the public preference page, keeping the proof', async () => {
    const link = await call('POST', `/api/v1/profiles/${lenId}/consent/preference-link`);
    expect(link.statusCode).toBe(200);
    const path = new URL(link.json().url).pathname;
    const page = await server.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('How we may use your data');
    expect(page.body).toMatch(/name="purpose" value="marketing" checked/);
    expect(page.body).not.toContain('value="necessary"');

    // Marketing withdrawn, analytics kept, personalization (never decided) confirmed.
    const shown = ['analytics', 'marketing', 'personalization', 'sale-of-data'];
    const body = [
      ...shown.map((key) => `shownPurpose=${key}`),
      'purpose=analytics',
      'purpose=personalization',
    ];
    const saved = await server.app.inject({
      method: 'POST',
      url: path,
      headers: { ...form, 'user-agent': 'Person/2.0' },
      payload: body.join('&'),
    });
    expect(saved.statusCode).toBe(303);
    const history = (await call('GET', `/api/v1/profiles/${lenId}/consent/history?limit=10`)).json().data;
    const fromPage = history.filter((d: { source: { kind: string } }) => d.source.kind === 'preference_page');
    expect(fromPage.map((d: { purpose: string; granted: boolean }) => [d.purpose, d.granted]).sort()).toEqual(
      [
        ['marketing', false],
        ['personalization', true],
        ['sale-of-data', false],
      ],
    );
    const marketing = fromPage.find((d: { purpose: string }) => d.purpose === 'marketing');
    expect(marketing.proof).toMatchObject({ ip: '127.0.0.1', userAgent: 'Person/2.0' });
    expect(marketing.proof.wording).toContain('Marketing');
    expect(marketing.proof.wordingVersion).toBeTruthy();
    const consent = (await call('GET', `/api/v1/profiles/${lenId}/consent`)).json();
    expect(consent.purposes.marketing).toMatchObject({ granted: false, basis: 'decision' });

    // Saving the same choices again is no new decision.
    await server.app.inject({ method: 'POST', url: path, headers: form, payload: body.join('&') });
    const again = (await call('GET', `/api/v1/profiles/${lenId}/consent/history?limit=50`)).json().data;
    expect(again).toHaveLength(history.length);
    expect((await call('POST', '/api/v1/profiles/prof_nobody/consent/preference-link')).statusCode).toBe(404);
  });

  it('counts granted and withdrawn per purpose for the consent center, with the latest decisions', async () => {
    const overview = await call('GET', '/api/v1/consent/overview');
    expect(overview.statusCode).toBe(200);
    const analytics = overview.json().purposes.find((p: { key: string }) => p.key === 'analytics');
    expect(analytics).toMatchObject({ label: 'Analytics', granted: 1, withdrawn: 0 });
    expect(overview.json().recent[0]).toMatchObject({ profileId: lenId });
  });

  it('creates and previews audiences requiring a purpose, refusing one that does not exist', async () => {
    const rule = { trait: 'plan', op: 'eq', value: 'pro' };
    const refused = await call('POST', '/api/v1/audiences', {
      name: 'x',
      rule,
      requiredPurpose: 'telepathy',
    });
    expect(refused.statusCode).toBe(422);
    expect(JSON.stringify(refused.json())).toContain('requiredPurpose');
    const personalized = await call('POST', '/api/v1/audiences/preview', {
      rule,
      requiredPurpose: 'personalization',
    });
    expect(personalized.json().count).toBe(1);
    const marketed = await call('POST', '/api/v1/audiences/preview', { rule, requiredPurpose: 'marketing' });
    expect(marketed.json().count).toBe(0);
    const created = await call('POST', '/api/v1/audiences', {
      name: 'Pro',
      rule,
      requiredPurpose: 'marketing',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().requiredPurpose).toBe('marketing');
  });

  it('names what requires a purpose before it is removed', async () => {
    const rule = { trait: 'plan', op: 'eq', value: 'pro' };
    await call('POST', '/api/v1/audiences', { name: 'Profiled', rule, requiredPurpose: 'personalization' });
    const destination = await call('POST', '/api/v1/destinations', {
      name: 'Ad list',
      type: 'webhook',
      config: { url: 'https://hooks.example.com/ads' },
      purposes: ['personalization', 'analytics'],
    });
    expect(destination.statusCode).toBe(201);
    const readers = await call('GET', '/api/v1/consent/purposes/personalization/readers');
    expect(readers.statusCode).toBe(200);
    expect(readers.json()).toEqual({ readers: ['audience "Profiled"', 'destination "Ad list"'] });
    const marketing = await call('GET', '/api/v1/consent/purposes/marketing/readers');
    expect(marketing.json().readers).toEqual(['audience "Pro"', 'every marketing email']);
    expect((await call('GET', '/api/v1/consent/purposes/telepathy/readers')).statusCode).toBe(404);
  });
});
