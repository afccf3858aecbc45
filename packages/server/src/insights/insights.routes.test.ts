import {
  type AnalyticsEventRow,
  type AnalyticsStore,
  bootstrapIfEmpty,
  openDuckDbAnalytics,
  postgresAnalytics,
} from '@tandem/engine';
import { ENGINES, openTestEngine } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const TOKEN = 'tdm_test_insights_owner_token_0123';
const WRITE_KEY = 'wk_test_insights_key_0123';
const writeKey = { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` };
const owner = { authorization: `Bearer ${TOKEN}` };
const day = (n: number, hours = 0) => new Date(Date.UTC(2026, 0, 5 + n, hours)).toISOString();
const RANGE = { from: day(0), to: day(7) };

// The analytics copy is filled directly here (the analytics stage fills it in production): on
// PostgreSQL the engine reads its own table; embedded, the engine is handed a DuckDB copy.
describe.each(ENGINES)('the insights API on %s', (kind) => {
  let copy: AnalyticsStore;
  let engine: Awaited<ReturnType<typeof openTestEngine>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const ids: Record<string, string> = {};
  let workspaceId = '';

  beforeAll(async () => {
    const duckdb =
      kind === 'sqlite' ? await openDuckDbAnalytics({ path: ':memory:', threads: 1 }) : undefined;
    engine = await openTestEngine(kind, duckdb ? { analytics: duckdb } : {});
    copy = duckdb ?? postgresAnalytics(engine.store.db);
    app = await buildApp({
      config: loadConfig({ TANDEM_LOG_LEVEL: 'silent', TANDEM_WEB_DIST: '/nonexistent' }),
      engine,
      logger: false,
    });
    const bootstrap = await bootstrapIfEmpty(engine.store, engine, {
      adminEmail: 'owner@example.com',
      adminPassword: 'correct horse battery',
      adminToken: TOKEN,
      writeKey: WRITE_KEY,
    });
    if (!bootstrap) throw new Error('the store was not empty');
    workspaceId = bootstrap.workspaceId;
    const users = ['u1', 'u2', 'u3', 'u4'];
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: { batch: users.map((userId) => ({ type: 'identify', userId, traits: { name: userId } })) },
    });
    expect(sent.statusCode).toBe(200);
    await engine.pipeline.catchUp();
    for (const userId of users)
      ids[userId] = (await engine.profiles.lookup(bootstrap.workspaceId, 'user_id', userId)).id;
    const events: [string, string, string][] = [
      ['u1', 'Signed Up', day(0, 9)],
      ['u1', 'Purchased', day(0, 10)],
      ['u2', 'Signed Up', day(0, 9)],
      ['u3', 'Signed Up', day(1, 9)],
      ['u3', 'Purchased', day(1, 11)],
      ['u4', 'Purchased', day(2)],
    ];
    await copy.append(
      events.map(
        ([userId, event, timestamp], index): AnalyticsEventRow => ({
          workspaceId: bootstrap.workspaceId,
          seq: index + 1,
          profileId: ids[userId] ?? '',
          type: 'track',
          event,
          timestamp,
          sourceId: bootstrap.sourceId,
          properties: JSON.stringify({ revenue: 10 }),
          utmSource: null,
          utmMedium: null,
          utmCampaign: event === 'Signed Up' ? 'launch' : null,
        }),
      ),
    );
  });
  afterAll(async () => {
    await app?.close();
    await engine?.dispose();
    if (kind === 'sqlite') await copy?.close();
  });

  const post = (url: string, payload: unknown, headers = owner) =>
    app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
  const FUNNEL = { steps: [{ event: 'Signed Up' }, { event: 'Purchased' }], within: '7d', ...RANGE };

  it('answers a funnel as the API contract states', async () => {
    const response = await post('/api/v1/insights/funnel', FUNNEL);
    expect(response.statusCode).toBe(200);
    expect(response.json().steps).toMatchObject([
      { event: 'Signed Up', people: 3, conversion: 1 },
      { event: 'Purchased', people: 2, conversion: 2 / 3, medianSecondsToConvert: 5400 },
    ]);
  });

  it('refuses a bad query naming the field', async () => {
    const oneStep = await post('/api/v1/insights/funnel', { steps: [{ event: 'Signed Up' }] });
    expect(oneStep.statusCode).toBe(400);
    expect(oneStep.json().error.message).toMatch(/steps/);
    const badWindow = await post('/api/v1/insights/funnel', { ...FUNNEL, within: 'a week' });
    expect(badWindow.statusCode).toBe(400);
    expect(badWindow.json().error.message).toMatch(/within/);
    const backwards = await post('/api/v1/insights/trend', {
      series: [{ event: '*' }],
      from: day(3),
      to: day(1),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'from' }] });
  });

  it('answers trends, paths, retention, attribution and any insight by kind', async () => {
    const trend = await post('/api/v1/insights/trend', {
      series: [{ event: 'Purchased' }],
      interval: 'day',
      ...RANGE,
    });
    expect(trend.statusCode).toBe(200);
    expect(trend.json().series[0].total).toBe(3);
    expect(trend.json().series[0].points.map((point: { value: number }) => point.value)).toEqual([
      1, 1, 1, 0, 0, 0, 0,
    ]);
    const paths = await post('/api/v1/insights/paths', { event: 'Signed Up', steps: 1, ...RANGE });
    expect(paths.json().links).toEqual([
      { source: '0:Signed Up', target: '1:Purchased', people: 2 },
      { source: '0:Signed Up', target: '1:(end)', people: 1 },
    ]);
    const retention = await post('/api/v1/insights/retention', {
      startEvent: { event: 'Signed Up' },
      interval: 'day',
      cohorts: 2,
      to: day(2),
    });
    expect(retention.json().cohorts.map((cohort: { people: number }) => cohort.people)).toEqual([2, 1]);
    const attribution = await post('/api/v1/insights/attribution', {
      conversion: { event: 'Purchased' },
      ...RANGE,
    });
    expect(attribution.json()).toMatchObject({
      conversions: 3,
      unattributed: 1,
      revenue: 30,
      rows: [{ value: 'launch', conversions: 2 }],
    });
    const byKind = await post('/api/v1/insights/query', { kind: 'funnel', ...FUNNEL });
    expect(byKind.json()).toMatchObject({
      kind: 'funnel',
      result: { steps: [{ people: 3 }, { people: 2 }] },
    });
  });

  it('lists the people who dropped at a step and saves them as a static list', async () => {
    const dropped = { funnel: FUNNEL, step: 1, outcome: 'dropped' };
    const people = await post('/api/v1/insights/funnel/people', dropped);
    expect(people.json()).toEqual({ profileIds: [ids.u2], total: 1 });
    const viewerToken = await engine.access.tokens.create({ workspaceId, name: 'viewer', role: 'viewer' });
    const viewer = { authorization: `Bearer ${viewerToken.token}` };
    expect((await post('/api/v1/insights/funnel/people', dropped, viewer)).statusCode).toBe(200);
    expect(
      (await post('/api/v1/insights/funnel/people/list', { ...dropped, name: 'Dropped' }, viewer)).statusCode,
    ).toBe(403);
    const saved = await post('/api/v1/insights/funnel/people/list', {
      ...dropped,
      name: 'Signed up, never bought',
    });
    expect(saved.statusCode).toBe(201);
    expect(saved.json()).toMatchObject({ name: 'Signed up, never bought', people: 1 });
    const list = await app.inject({
      method: 'GET',
      url: `/api/v1/lists/${saved.json().listId}/members`,
      headers: owner,
    });
    expect(list.json().data.map((member: { profileId: string }) => member.profileId)).toEqual([ids.u2]);
  });
});

// End to end: events tracked through the Tracking API reach the analytics copy through the
// pipeline's analytics stage, and the funnel route counts them.
describe.each(ENGINES)('a funnel over tracked events on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('counts people who signed up and then bought', async () => {
    // One clock reading, so the hour between the two steps is exact.
    const now = Date.now();
    const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
    const basic = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: basic,
      payload: {
        batch: [
          { type: 'track', userId: 'ada', event: 'Signed Up', timestamp: hoursAgo(3) },
          {
            type: 'track',
            userId: 'ada',
            event: 'Order Completed',
            properties: { revenue: 40 },
            timestamp: hoursAgo(2),
          },
          { type: 'track', userId: 'bob', event: 'Signed Up', timestamp: hoursAgo(3) },
          { type: 'page', userId: 'bob', name: 'Pricing', timestamp: hoursAgo(1) },
        ],
      },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    const funnel = await server.app.inject({
      method: 'POST',
      url: '/api/v1/insights/funnel',
      headers: server.owner,
      payload: { steps: [{ event: 'Signed Up' }, { event: 'Order Completed' }], within: '1d' },
    });
    expect(funnel.statusCode).toBe(200);
    expect(funnel.json().steps).toMatchObject([
      { event: 'Signed Up', people: 2, conversion: 1 },
      { event: 'Order Completed', people: 1, conversion: 0.5, medianSecondsToConvert: 3600 },
    ]);
    const paths = await server.app.inject({
      method: 'POST',
      url: '/api/v1/insights/paths',
      headers: server.owner,
      payload: { event: 'Signed Up', steps: 1 },
    });
    expect(paths.json().links).toEqual([
      { source: '0:Signed Up', target: '1:Order Completed', people: 1 },
      { source: '0:Signed Up', target: '1:Page Viewed', people: 1 },
    ]);
  });
});
