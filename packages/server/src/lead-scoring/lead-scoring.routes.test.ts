import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

const RULES = {
  rules: [
    { name: 'Pro plan', group: 'fit', condition: { trait: 'plan', op: 'eq', value: 'pro' }, points: 30 },
    {
      name: 'Pricing views',
      group: 'engagement',
      condition: { event: 'Pricing Viewed' },
      points: 10,
      perEvent: true,
      decayDays: 30,
    },
  ],
  groupCaps: { engagement: 25 },
};

describe.each(ENGINES)('the lead scoring API on %s', (kind) => {
  let server: TestServer;
  let adaId: string;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const now = new Date().toISOString();
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: [
          { type: 'identify', userId: 'ada', traits: { plan: 'pro' }, timestamp: now },
          { type: 'track', userId: 'ada', event: 'Pricing Viewed', timestamp: now },
        ],
      },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    adaId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'ada')).id;
  });
  afterAll(() => server.close());
  const as = (headers: Record<string, string>, method: 'GET' | 'PUT', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('saves rules, rescores existing people, and explains each score', async () => {
    const empty = await as(server.owner, 'GET', '/api/v1/lead-scoring');
    expect(empty.json()).toEqual({ rules: [], updatedAt: null, rescore: { running: false, scored: 0 } });
    const saved = await as(server.owner, 'PUT', '/api/v1/lead-scoring', RULES);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ ...RULES, rescore: { running: true, scored: 0 } });
    await server.engine.pipeline.catchUp();
    const score = await as(server.owner, 'GET', `/api/v1/lead-scoring/scores/${adaId}`);
    expect(score.statusCode).toBe(200);
    expect(score.json()).toMatchObject({
      profileId: adaId,
      total: 40,
      fit: 30,
      engagement: 10,
      breakdown: [
        { rule: 'Pro plan', group: 'fit', points: 30 },
        { rule: 'Pricing views', group: 'engagement', points: 10, events: 1 },
      ],
      history: [{ reason: 'rules', previousTotal: 0, total: 40 }],
    });
    // Real time: the next event moves the score.
    await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: writeKey,
      payload: { userId: 'ada', event: 'Pricing Viewed' },
    });
    await server.engine.pipeline.catchUp();
    const after = await as(server.owner, 'GET', `/api/v1/lead-scoring/scores/${adaId}`);
    expect(after.json()).toMatchObject({ total: 50, engagement: 20 });
    expect((await as(server.owner, 'GET', '/api/v1/lead-scoring/scores/prof_nobody')).statusCode).toBe(404);
    const top = await as(server.owner, 'GET', '/api/v1/lead-scoring/scores?limit=5');
    expect(top.json()).toMatchObject({
      data: [{ profileId: adaId, total: 50, fit: 30, engagement: 20 }],
      nextCursor: null,
    });
  });

  it('refuses bad rules with 422 naming the field', async () => {
    const badShape = await as(server.owner, 'PUT', '/api/v1/lead-scoring', {
      rules: [{ name: 'X', group: 'vibes', condition: { trait: 'plan', op: 'exists' }, points: 1 }],
    });
    expect(badShape.statusCode).toBe(400);
    expect(JSON.stringify(badShape.json().error.details)).toContain('rules.0.group');
    const badRule = await as(server.owner, 'PUT', '/api/v1/lead-scoring', {
      rules: [
        { name: 'X', group: 'fit', condition: { event: 'Visit' }, points: 1, perEvent: true },
        { name: 'Y', group: 'engagement', condition: { computedTrait: 'missing', op: 'exists' }, points: 1 },
      ],
    });
    expect(badRule.statusCode).toBe(422);
    expect(badRule.json().error.message).toBe(
      'Invalid rules.0.perEvent: perEvent is for engagement rules, not fit rules',
    );
    expect(badRule.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      'rules.0.perEvent',
      'rules.1.condition.computedTrait',
    ]);
  });

  it('lets sales and admins write the rules, viewers only read', async () => {
    const viewer = await server.tokenFor('viewer');
    const sales = await server.tokenFor('sales');
    const admin = await server.tokenFor('admin');
    expect((await as(viewer, 'GET', '/api/v1/lead-scoring')).statusCode).toBe(200);
    expect((await as(viewer, 'GET', `/api/v1/lead-scoring/scores/${adaId}`)).statusCode).toBe(200);
    expect((await as(viewer, 'GET', '/api/v1/lead-scoring/calibration')).statusCode).toBe(200);
    expect((await as(viewer, 'PUT', '/api/v1/lead-scoring', RULES)).statusCode).toBe(403);
    expect((await as(sales, 'PUT', '/api/v1/lead-scoring', RULES)).statusCode).toBe(200);
    expect((await as(admin, 'PUT', '/api/v1/lead-scoring', RULES)).statusCode).toBe(200);
  });

  it('answers calibration from the deals won and lost', async () => {
    const before = await as(server.owner, 'GET', '/api/v1/lead-scoring/calibration');
    expect(before.json()).toMatchObject({ dealsConnected: true, won: 0, lost: 0 });
    const post = (url: string, payload: unknown) =>
      server.app.inject({ method: 'POST', url, headers: server.owner, payload });
    const pipeline = await post('/api/v1/pipelines', {
      name: 'Sales',
      stages: [{ name: 'Lead', probability: 10 }],
    });
    const deal = await post('/api/v1/deals', {
      name: 'Ada’s plan',
      amount: 100,
      currency: 'EUR',
      pipelineId: pipeline.json().id,
      profileIds: [adaId],
    });
    const won = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/deals/${deal.json().id}`,
      headers: server.owner,
      payload: { status: 'won' },
    });
    expect(won.statusCode).toBe(200);
    const after = await as(server.owner, 'GET', '/api/v1/lead-scoring/calibration');
    expect(after.json()).toMatchObject({ dealsConnected: true, won: 1, lost: 0 });
  });
});
