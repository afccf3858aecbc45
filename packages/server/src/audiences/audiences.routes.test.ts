import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the audiences and computed traits API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: [
          { type: 'identify', userId: 'ada', traits: { plan: 'pro' } },
          {
            type: 'track',
            userId: 'ada',
            event: 'Order Completed',
            properties: { total: 70 },
            timestamp: recent,
          },
          { type: 'identify', userId: 'bob', traits: { plan: 'free' } },
        ],
      },
    });
    await server.engine.pipeline.catchUp();
    await server.engine.segment.catchUp();
  });
  afterAll(() => server.close());
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });

  it('creates a computed trait, backfilled, shown on the profile', async () => {
    const created = await call('POST', '/api/v1/computed-traits', {
      name: 'orders_30d',
      kind: 'count',
      event: 'Order Completed',
      within: '30d',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: expect.stringMatching(/^ctr_/),
      name: 'orders_30d',
      kind: 'count',
    });
    const ada = (await call('GET', '/api/v1/profiles/lookup?type=user_id&value=ada')).json();
    expect(ada.computedTraits).toEqual({ orders_30d: 1 });
    expect((await call('GET', '/api/v1/computed-traits')).json().data).toHaveLength(1);
    const patched = await call('PATCH', `/api/v1/computed-traits/${created.json().id}`, { within: '7d' });
    expect(patched.json().within).toBe('7d');
    const invalid = await call('POST', '/api/v1/computed-traits', { name: 'x', kind: 'sum', event: 'E' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().error.details).toEqual([
      { path: 'property', message: 'a sum trait needs the property it aggregates' },
    ]);
  });

  it('creates an audience, lists members, previews, and shows membership on the profile', async () => {
    const rule = {
      all: [
        { trait: 'plan', op: 'eq', value: 'pro' },
        { computedTrait: 'orders_30d', op: 'gte', value: 1 },
      ],
    };
    const preview = await call('POST', '/api/v1/audiences/preview', { rule });
    expect(preview.statusCode).toBe(200);
    const ada = (await call('GET', '/api/v1/profiles/lookup?type=user_id&value=ada')).json();
    expect(preview.json()).toEqual({ count: 1, sample: [ada.id] });
    const created = await call('POST', '/api/v1/audiences', { name: 'Buyers', rule });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(id).toMatch(/^aud_/);
    const members = (await call('GET', `/api/v1/audiences/${id}/members?limit=10`)).json();
    expect(members).toEqual({
      data: [{ profileId: ada.id, enteredAt: expect.any(String) }],
      nextCursor: null,
    });
    const profile = (await call('GET', `/api/v1/profiles/${ada.id}`)).json();
    expect(profile.audiences).toEqual([{ id, name: 'Buyers', enteredAt: members.data[0].enteredAt }]);
    expect((await call('GET', `/api/v1/audiences/${id}`)).json()).toMatchObject({
      id,
      name: 'Buyers',
      rule,
      memberCount: 1,
    });
    const listed = (await call('GET', '/api/v1/audiences')).json().data;
    expect(listed.find((a: { id: string }) => a.id === id)?.memberCount).toBe(1);
    const renamed = await call('PATCH', `/api/v1/audiences/${id}`, { name: 'Pro buyers' });
    expect(renamed.json().name).toBe('Pro buyers');
    expect((await call('DELETE', `/api/v1/audiences/${id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/audiences/${id}`)).statusCode).toBe(404);
  });

  it('pages audiences and computed traits with limit and cursor, each workspace its own', async () => {
    const workspace = await createWorkspace(server.engine.store, `paged ${kind}`);
    const headers = await server.tokenFor('owner', workspace.id);
    const send = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    const audienceIds: string[] = [];
    const traitIds: string[] = [];
    for (const n of [1, 2, 3]) {
      const rule = { trait: 'plan', op: 'eq', value: `plan ${n}` };
      audienceIds.push((await send('POST', '/api/v1/audiences', { name: `a${n}`, rule })).json().id);
      const trait = { name: `t${n}`, kind: 'count', event: `E${n}` };
      traitIds.push((await send('POST', '/api/v1/computed-traits', trait)).json().id);
    }
    for (const [path, created] of [
      ['/api/v1/audiences', audienceIds],
      ['/api/v1/computed-traits', traitIds],
    ] as const) {
      const seen: string[] = [];
      let url = `${path}?limit=2`;
      for (let page = 1; ; page++) {
        const response = await send('GET', url);
        expect(response.statusCode).toBe(200);
        const { data, nextCursor } = response.json();
        seen.push(...data.map((item: { id: string }) => item.id));
        if (nextCursor === null) break;
        expect(page).toBeLessThan(2);
        url = `${path}?limit=2&cursor=${encodeURIComponent(nextCursor)}`;
      }
      expect(seen).toEqual(created);
      const all = (await send('GET', path)).json();
      expect(all).toEqual({ data: expect.any(Array), nextCursor: null });
      expect(all.data.map((item: { id: string }) => item.id)).toEqual(created);
      expect((await send('GET', `${path}?limit=0`)).statusCode).toBe(400);
    }
    const home = (await call('GET', '/api/v1/audiences?limit=1000')).json();
    expect(home.data.map((a: { id: string }) => a.id)).not.toContain(audienceIds[0]);
  });

  it('answers 400 or 422 naming the field of an invalid rule', async () => {
    const shape = await call('POST', '/api/v1/audiences/preview', {
      rule: { trait: 'plan', op: 'like', value: 'x' },
    });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.details[0].path).toMatch(/^body\.rule/);
    const operand = await call('POST', '/api/v1/audiences', {
      name: 'x',
      rule: { any: [{ event: 'E', where: [{ property: 'total', op: 'gte', value: 'ten' }] }] },
    });
    expect(operand.statusCode).toBe(422);
    expect(operand.json().error.details).toEqual([
      { path: 'rule.any.0.where.0.value', message: 'gte needs a number' },
    ]);
  });

  it('answers 400 naming the limit for a rule nested 2,000 deep or holding 10,000 conditions', async () => {
    let deep: unknown = { trait: 'plan', op: 'exists' };
    for (let i = 0; i < 2000; i++) deep = { not: deep };
    const wide = {
      any: Array.from({ length: 100 }, () => ({
        all: Array.from({ length: 100 }, (_, i) => ({ trait: `t${i}`, op: 'in', value: [1, 2] })),
      })),
    };
    const existing = await call('POST', '/api/v1/audiences', {
      name: 'pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    const tooDeep = 'Invalid body.rule: rule is nested 2,000 deep; the limit is 10';
    const tooWide =
      'Invalid body.rule: rule holds 10,000 conditions (a leaf and each of its where conditions count one); the limit is 200';
    for (const [rule, message] of [
      [deep, tooDeep],
      [wide, tooWide],
    ] as const) {
      for (const [method, url, body] of [
        ['POST', '/api/v1/audiences', { name: 'hostile', rule }],
        ['POST', '/api/v1/audiences/preview', { rule }],
        ['PATCH', `/api/v1/audiences/${existing.json().id}`, { rule }],
      ] as const) {
        const response = await call(method, url, body);
        expect(response.statusCode).toBe(400);
        expect(response.json().error).toMatchObject({ code: 'validation_failed', message });
      }
    }
    const openapi = await server.app.inject({ url: '/api/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(openapi.json().components.schemas.AudienceRule.anyOf).toHaveLength(7);
  });
});
