import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

const CART = {
  name: 'Abandoned cart',
  entry: { kind: 'event', event: 'Cart Updated', where: [{ property: 'total', op: 'gt', value: 0 }] },
  steps: [
    {
      id: 'wait',
      kind: 'wait_for_event',
      event: 'Order Completed',
      timeout: '1h',
      next: { matched: null, timeout: 'vip' },
    },
    { id: 'vip', kind: 'update_trait', trait: 'cartReminder', value: true, next: 'pause' },
    { id: 'pause', kind: 'delay', duration: '1d', next: null },
  ],
  settings: { reEntry: 'after_exit' },
};

describe.each(ENGINES)('the journeys API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers = server.owner,
  ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const track = async (userId: string, event: string, properties: Record<string, unknown> = {}) => {
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: writeKey,
      payload: { userId, event, properties },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
  };

  it('drafts, refuses to publish what cannot run, then publishes and runs people through', async () => {
    const created = await call('POST', '/api/v1/journeys', CART);
    expect(created.statusCode).toBe(201);
    const journey = created.json();
    expect(journey).toMatchObject({
      name: 'Abandoned cart',
      status: 'draft',
      version: 0,
      hasUnpublishedChanges: true,
    });

    const broken = {
      ...CART,
      steps: [
        { id: 'a', kind: 'random_split', weights: [50, 50], next: ['b', 'nowhere', 'c'] },
        { id: 'b', kind: 'update_trait', trait: 'x', value: 1, next: 'b' },
        // A task for someone who is not (or no longer) a member of the workspace.
        { id: 'c', kind: 'create_task', title: 'Call them', assigneeId: 'usr_gone', next: null },
        // A field people do not have (a custom field deleted since, or a typo).
        { id: 'd', kind: 'update_crm_field', field: 'tier_typo', value: 'gold', next: null },
        { id: 'lost', kind: 'exit' },
      ],
    };
    const validation = await call('POST', '/api/v1/journeys/validate', broken);
    expect(validation.statusCode).toBe(200);
    expect(validation.json().valid).toBe(false);
    expect(validation.json().problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: 'a', field: 'next.1' }),
        expect.objectContaining({ stepId: 'a', field: 'weights' }),
        expect.objectContaining({ stepId: 'lost', field: 'id', message: 'no step leads here' }),
        expect.objectContaining({ stepId: 'b', field: 'next' }),
        expect.objectContaining({
          stepId: 'c',
          field: 'assigneeId',
          message: 'usr_gone is not a member of this workspace',
        }),
        expect.objectContaining({
          stepId: 'd',
          field: 'field',
          message: 'people have no CRM field tier_typo',
        }),
      ]),
    );
    const patched = await call('PATCH', `/api/v1/journeys/${journey.id}`, { steps: broken.steps });
    expect(patched.statusCode).toBe(200);
    const refused = await call('POST', `/api/v1/journeys/${journey.id}/publish`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.map((d: { path: string }) => d.path)).toContain('steps.a.weights');

    await call('PATCH', `/api/v1/journeys/${journey.id}`, { steps: CART.steps });
    const published = await call('POST', `/api/v1/journeys/${journey.id}/publish`, { inFlight: 'stay' });
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ status: 'live', version: 1, hasUnpublishedChanges: false });

    await track('ada', 'Cart Updated', { total: 30 });
    await track('bob', 'Cart Updated', { total: 0 });
    await track('cy', 'Cart Updated', { total: 10 });
    await track('ada', 'Order Completed');

    const list = await call('GET', '/api/v1/journeys');
    expect(list.json().data).toEqual([
      expect.objectContaining({ id: journey.id, counts: { inProgress: 1, entered: 2 } }),
    ]);
    const report = (await call('GET', `/api/v1/journeys/${journey.id}/report`)).json();
    expect(report).toMatchObject({ entered: 2, inProgress: 1, completed: 1, exited: 0, converted: 0 });
    expect(report.steps[0]).toMatchObject({ stepId: 'wait', current: 1, passed: 1 });
    const waiting = (
      await call('GET', `/api/v1/journeys/${journey.id}/runs?stepId=wait&status=active`)
    ).json();
    expect(waiting.data).toHaveLength(1);
    expect(waiting.data[0]).toMatchObject({ version: 1, stepId: 'wait', status: 'active' });
    expect(Date.parse(waiting.data[0].nextAt)).toBeGreaterThan(Date.now());

    const adaId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'ada')).id;
    const ada = (await call('GET', `/api/v1/profiles/${adaId}/journeys`)).json();
    expect(ada.nextCursor).toBeNull();
    expect(ada.data).toEqual([
      expect.objectContaining({
        journeyId: journey.id,
        journeyName: 'Abandoned cart',
        status: 'completed',
        path: [expect.objectContaining({ stepId: 'wait', kind: 'wait_for_event', outcome: 'matched' })],
      }),
    ]);
    const versions = (await call('GET', `/api/v1/journeys/${journey.id}/versions`)).json();
    expect(versions).toMatchObject({ data: [{ version: 1 }], nextCursor: null });

    expect((await call('POST', `/api/v1/journeys/${journey.id}/pause`)).json().status).toBe('paused');
    expect((await call('POST', `/api/v1/journeys/${journey.id}/pause`)).statusCode).toBe(409);
    expect((await call('POST', `/api/v1/journeys/${journey.id}/resume`)).json().status).toBe('live');
    const archived = await call('DELETE', `/api/v1/journeys/${journey.id}`);
    expect(archived.json().status).toBe('archived');
    const after = (await call('GET', `/api/v1/journeys/${journey.id}/report`)).json();
    expect(after).toMatchObject({ inProgress: 0, exited: 1, completed: 1 });
    expect((await call('GET', '/api/v1/journeys/jrn_nothing')).statusCode).toBe(404);
  });

  it('pages versions and a person’s runs newest first, a small limit at a time', async () => {
    const pinged = {
      name: 'Pinged',
      entry: { kind: 'event', event: 'Ping' },
      steps: [{ id: 'rest', kind: 'delay', duration: '1d', next: null }],
      settings: { reEntry: 'always' },
    };
    const journey = (await call('POST', '/api/v1/journeys', pinged)).json();
    for (const name of ['Pinged v1', 'Pinged v2', 'Pinged v3']) {
      await call('PATCH', `/api/v1/journeys/${journey.id}`, { name });
      expect((await call('POST', `/api/v1/journeys/${journey.id}/publish`, {})).statusCode).toBe(200);
    }
    for (let i = 0; i < 3; i++) await track('pat', 'Ping');

    /** Every item of a list, following `nextCursor` two at a time. */
    const allPages = async <T>(path: string) => {
      const items: T[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await call('GET', `${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.statusCode).toBe(200);
        const body: { data: T[]; nextCursor: string | null } = page.json();
        expect(body.data.length).toBeLessThanOrEqual(2);
        items.push(...body.data);
        cursor = body.nextCursor;
        pages++;
      } while (cursor !== null);
      return { items, pages };
    };
    const versions = await allPages<{ version: number }>(`/api/v1/journeys/${journey.id}/versions`);
    expect(versions.items.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(versions.pages).toBe(2);

    const patId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'pat')).id;
    const runs = await allPages<{ runId: string; journeyId: string }>(`/api/v1/profiles/${patId}/journeys`);
    expect(runs.items).toHaveLength(3);
    expect(runs.items.every((r) => r.journeyId === journey.id)).toBe(true);
    const ids = runs.items.map((r) => r.runId);
    expect(ids).toEqual([...ids].sort().reverse());

    const garbled = await call('GET', `/api/v1/journeys/${journey.id}/versions?cursor=not-a-cursor`);
    expect(garbled.statusCode).toBe(400);
  });

  it('answers a journey with a condition split on every read and write, and keeps its rule', async () => {
    const condition = { all: [{ trait: 'plan', op: 'eq', value: 'pro' }] };
    const split = {
      name: 'Pro or not',
      entry: { kind: 'event', event: 'Plan Chosen' },
      steps: [
        { id: 'pro', kind: 'split', condition, next: { yes: 'tag', no: null } },
        { id: 'tag', kind: 'update_trait', trait: 'pro', value: true, next: null },
      ],
    };
    const created = await call('POST', '/api/v1/journeys', split);
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const patched = await call('PATCH', `/api/v1/journeys/${id}`, { name: 'Pro or not, again' });
    expect(patched.statusCode).toBe(200);
    expect((await call('POST', `/api/v1/journeys/${id}/publish`, {})).statusCode).toBe(200);
    const read = await call('GET', `/api/v1/journeys/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().steps[0].condition).toEqual(condition);
    const list = await call('GET', '/api/v1/journeys');
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((j: { id: string }) => j.id)).toContain(id);
    const versions = await call('GET', `/api/v1/journeys/${id}/versions`);
    expect(versions.statusCode).toBe(200);
    expect(versions.json().data[0].definition.steps[0].condition).toEqual(condition);
    expect((await call('POST', `/api/v1/journeys/${id}/pause`)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/journeys/${id}`)).statusCode).toBe(200);
  });

  it('lets marketers edit journeys and viewers only read them', async () => {
    const viewer = await server.tokenFor('viewer');
    const marketer = await server.tokenFor('marketer');
    expect((await call('GET', '/api/v1/journeys', undefined, viewer)).statusCode).toBe(200);
    expect((await call('POST', '/api/v1/journeys', CART, viewer)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/journeys', CART, marketer)).statusCode).toBe(201);
  });
});
