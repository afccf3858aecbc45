import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the profile API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { TANDEM_METRICS_TOKEN: 'metrics-token-0123456789' });
    await track([
      { type: 'page', anonymousId: 'anon-1', name: 'Pricing', timestamp: '2024-05-01T10:00:00.000Z' },
      {
        type: 'track',
        anonymousId: 'anon-1',
        event: 'Trial Started',
        properties: { plan: 'pro' },
        timestamp: '2024-05-01T10:01:00.000Z',
      },
      {
        type: 'identify',
        userId: 'ada',
        traits: { email: 'Ada@Example.com', name: 'Ada' },
        timestamp: '2024-05-01T10:02:00.000Z',
      },
      { type: 'identify', userId: 'ada', anonymousId: 'anon-1', timestamp: '2024-05-01T10:03:00.000Z' },
      {
        type: 'group',
        userId: 'ada',
        groupId: 'acme',
        traits: { name: 'Acme' },
        timestamp: '2024-05-01T10:04:00.000Z',
      },
      { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com', name: 'Bob' } },
    ]);
  });
  afterAll(() => server.close());

  async function track(batch: Record<string, unknown>[]) {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: { batch },
    });
    expect(response.json()).toEqual({ success: true });
    await server.engine.pipeline.catchUp();
  }
  const get = (url: string) => server.app.inject({ url, headers: server.owner });

  it('looks a profile up by identifier, normalized like events are', async () => {
    const response = await get('/api/v1/profiles/lookup?type=email&value=ADA@example.com');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: expect.stringMatching(/^prof_/),
      traits: { email: 'Ada@Example.com', name: 'Ada' },
      identities: [
        { type: 'user_id', value: 'ada' },
        { type: 'email', value: 'ada@example.com' },
        { type: 'anonymous_id', value: 'anon-1' },
      ],
      computedTraits: {},
      audiences: [],
      companies: [{ id: expect.stringMatching(/^co_/), name: 'Acme' }],
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: expect.any(String),
    });
    expect((await get('/api/v1/profiles/lookup?type=user_id&value=nobody')).statusCode).toBe(404);
  });

  it('gets a profile by id, and a merged id answers with the survivor', async () => {
    const ada = (await get('/api/v1/profiles/lookup?type=user_id&value=ada')).json();
    expect((await get(`/api/v1/profiles/${ada.id}`)).json()).toEqual(ada);
    const merges = (await get(`/api/v1/profiles/${ada.id}/merges`)).json().data;
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({
      survivorId: ada.id,
      eventId: expect.stringMatching(/^evt_/),
      undoneAt: null,
    });
    expect((await get(`/api/v1/profiles/${merges[0].mergedId}`)).json()).toEqual(ada);
    expect((await get('/api/v1/profiles/prof_missing')).statusCode).toBe(404);
  });

  it('lists and searches profiles with cursor paging', async () => {
    const first = (await get('/api/v1/profiles?limit=1')).json();
    expect(first.data).toHaveLength(1);
    const second = (await get(`/api/v1/profiles?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.data).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(second.data[0].id).not.toBe(first.data[0].id);
    const byEmail = (await get('/api/v1/profiles?q=bob@')).json();
    expect(byEmail.data.map((p: { traits: { name: string } }) => p.traits.name)).toEqual(['Bob']);
    const byTrait = (await get('/api/v1/profiles?q=ada')).json();
    expect(byTrait.data.map((p: { traits: { name: string } }) => p.traits.name)).toEqual(['Ada']);
  });

  it('shows the timeline newest first, filtered by event name and paged', async () => {
    const ada = (await get('/api/v1/profiles/lookup?type=user_id&value=ada')).json();
    const page = (await get(`/api/v1/profiles/${ada.id}/events?limit=2`)).json();
    expect(page.data.map((e: { type: string }) => e.type)).toEqual(['group', 'identify']);
    const rest = (await get(`/api/v1/profiles/${ada.id}/events?limit=10&cursor=${page.nextCursor}`)).json();
    expect(rest.data.map((e: { type: string }) => e.type)).toEqual(['identify', 'track', 'page']);
    expect(rest.nextCursor).toBeNull();
    const trials = (await get(`/api/v1/profiles/${ada.id}/events?event=Trial%20Started`)).json();
    expect(trials.data).toEqual([
      {
        id: expect.stringMatching(/^evt_/),
        type: 'track',
        event: 'Trial Started',
        name: null,
        properties: { plan: 'pro' },
        traits: {},
        timestamp: '2024-05-01T10:01:00.000Z',
        receivedAt: expect.any(String),
        messageId: expect.any(String),
        sourceId: server.sourceId,
      },
    ]);
  });

  it('unmerges a merge and refuses to undo it twice', async () => {
    const ada = (await get('/api/v1/profiles/lookup?type=user_id&value=ada')).json();
    const [merge] = (await get(`/api/v1/profiles/${ada.id}/merges`)).json().data;
    const viewer = await server.tokenFor('viewer');
    const refused = await server.app.inject({
      method: 'POST',
      url: `/api/v1/profiles/${ada.id}/unmerge`,
      headers: viewer,
      payload: { mergeId: merge.id },
    });
    expect(refused.statusCode).toBe(403);
    const unmerge = () =>
      server.app.inject({
        method: 'POST',
        url: `/api/v1/profiles/${ada.id}/unmerge`,
        headers: server.owner,
        payload: { mergeId: merge.id },
      });
    const response = await unmerge();
    expect(response.statusCode).toBe(200);
    const { survivor, restored } = response.json();
    expect([survivor.id, restored.id].sort()).toEqual([merge.survivorId, merge.mergedId].sort());
    const ids = (p: { identities: { value: string }[] }) => p.identities.map((i) => i.value);
    expect([...ids(survivor), ...ids(restored)].sort()).toEqual(['ada', 'ada@example.com', 'anon-1']);
    expect((await unmerge()).statusCode).toBe(409);
  });

  it('reads and changes the identity settings', async () => {
    const defaults = (await get('/api/v1/identity/settings')).json();
    expect(defaults).toMatchObject({
      priority: ['user_id', 'email', 'phone', 'device_id', 'anonymous_id'],
      defaultCountry: 'US',
    });
    const patch = (payload: unknown, headers = server.owner) =>
      server.app.inject({ method: 'PATCH', url: '/api/v1/identity/settings', headers, payload });
    const changed = await patch({ externalIdTypes: ['crm_id'], defaultCountry: 'FR' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      externalIdTypes: ['crm_id'],
      defaultCountry: 'FR',
      limits: defaults.limits,
    });
    expect((await patch({ defaultCountry: 'france' })).statusCode).toBe(400);
    expect((await patch({ defaultCountry: 'DE' }, await server.tokenFor('marketer'))).statusCode).toBe(403);
  });

  it('refuses identity settings whose lists or maps pass their bound, naming it', async () => {
    const patch = (payload: unknown) =>
      server.app.inject({
        method: 'PATCH',
        url: '/api/v1/identity/settings',
        headers: server.owner,
        payload,
      });
    const blocked = await patch({ blockedValues: Array.from({ length: 1001 }, (_, i) => `v${i}`) });
    expect(blocked.statusCode).toBe(400);
    expect(blocked.json().error.details[0]).toMatchObject({ path: 'body.blockedValues' });
    const sources = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`src_${i}`, 1]));
    const priorities = await patch({ sourcePriority: sources });
    expect(priorities.statusCode).toBe(400);
    expect(priorities.json().error.message).toBe('Invalid body.sourcePriority: at most 1000 entries');
    expect((await patch({ blockedValues: ['test'], sourcePriority: { src_1: 2 } })).statusCode).toBe(200);
  });

  it('reports the pipeline lag in the API and in /metrics', async () => {
    const status = (await get('/api/v1/pipeline')).json();
    const caughtUp = (stage: string) => ({
      stage,
      checkpointSeq: expect.any(Number),
      headSeq: status.stages[0].checkpointSeq,
      lagEvents: 0,
      lagSeconds: 0,
    });
    expect(status.stages).toEqual(
      [
        'unify',
        'consent',
        'segment',
        'lead-scoring',
        'sequence-stops',
        'journeys',
        'delivery',
        'analytics',
      ].map(caughtUp),
    );
    const metrics = await server.app.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(metrics.body).toContain('tandem_pipeline_lag_events{stage="unify"} 0');
    expect(metrics.body).toContain('tandem_pipeline_lag_events{stage="segment"} 0');
  });
});
