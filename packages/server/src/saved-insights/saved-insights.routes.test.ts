import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Headers = Record<string, string>;

const funnelInsight = {
  name: 'Signup funnel',
  chart: 'funnel',
  query: { kind: 'funnel', steps: [{ event: 'Page Viewed' }, { event: 'Signed Up' }], within: '7d' },
};

describe.each(ENGINES)('the saved insights and dashboards API on %s', (kind) => {
  let server: TestServer;
  let marketer: Headers;
  let viewer: Headers;
  beforeAll(async () => {
    server = await startTestServer(kind);
    [marketer, viewer] = await Promise.all([server.tokenFor('marketer'), server.tokenFor('viewer')]);
  });
  afterAll(() => server.close());
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    headers: Headers,
    payload?: unknown,
  ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('saves an insight with the query defaults filled, lets everyone read it and writers change it', async () => {
    const created = await call('POST', '/api/v1/saved-insights', marketer, funnelInsight);
    expect(created.statusCode).toBe(201);
    const insight = created.json();
    expect(insight).toMatchObject({
      name: 'Signup funnel',
      description: '',
      range: '30d',
      query: {
        kind: 'funnel',
        order: 'sequential',
        exclusions: [],
        steps: [{ event: 'Page Viewed', where: [] }, {}],
      },
    });

    const listed = await call('GET', '/api/v1/saved-insights', viewer);
    expect(listed.json().data.map((i: { id: string }) => i.id)).toContain(insight.id);
    const refused = await call('PATCH', `/api/v1/saved-insights/${insight.id}`, viewer, { name: 'Mine' });
    expect(refused.statusCode).toBe(403);
    const patched = await call('PATCH', `/api/v1/saved-insights/${insight.id}`, marketer, { chart: 'table' });
    expect(patched.json()).toMatchObject({ chart: 'table', name: 'Signup funnel' });
  });

  it('answers bad input with 400 naming the field', async () => {
    const oneStep = await call('POST', '/api/v1/saved-insights', marketer, {
      ...funnelInsight,
      query: { kind: 'funnel', steps: [{ event: 'Page Viewed' }] },
    });
    expect(oneStep.statusCode).toBe(400);
    expect(JSON.stringify(oneStep.json().error)).toContain('query.steps');
    const noName = await call('POST', '/api/v1/saved-insights', marketer, { ...funnelInsight, name: ' ' });
    expect(noName.statusCode).toBe(400);
    expect(JSON.stringify(noName.json().error)).toContain('name');
    const board = (await call('POST', '/api/v1/dashboards', marketer, { name: 'Wide' })).json();
    const insight = (await call('POST', '/api/v1/saved-insights', marketer, funnelInsight)).json();
    const tooWide = await call('POST', `/api/v1/dashboards/${board.id}/tiles`, marketer, {
      insightId: insight.id,
      width: 3,
    });
    expect(tooWide.statusCode).toBe(400);
    expect(tooWide.json().error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'body.width' })]),
    );
    const unknown = await call('POST', `/api/v1/dashboards/${board.id}/tiles`, marketer, {
      insightId: 'ins_x',
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('builds a dashboard: adds, reorders, resizes and removes tiles; deleting an insight removes its tile', async () => {
    const first = (await call('POST', '/api/v1/saved-insights', marketer, funnelInsight)).json();
    const second = (
      await call('POST', '/api/v1/saved-insights', marketer, {
        name: 'Daily orders',
        chart: 'line',
        range: '7d',
        query: { kind: 'trend', series: [{ event: 'Order Completed' }] },
      })
    ).json();
    const created = await call('POST', '/api/v1/dashboards', marketer, { name: 'Growth' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    await call('POST', `/api/v1/dashboards/${id}/tiles`, marketer, { insightId: first.id, width: 2 });
    const two = (
      await call('POST', `/api/v1/dashboards/${id}/tiles`, marketer, { insightId: second.id })
    ).json();
    const [a, b] = two.tiles.map((tile: { id: string }) => tile.id);

    const reordered = await call('PUT', `/api/v1/dashboards/${id}/tiles/order`, marketer, {
      tileIds: [b, a],
    });
    expect(reordered.json().tiles.map((tile: { insight: { name: string } }) => tile.insight.name)).toEqual([
      'Daily orders',
      'Signup funnel',
    ]);
    const stale = await call('PUT', `/api/v1/dashboards/${id}/tiles/order`, marketer, { tileIds: [b] });
    expect(stale.statusCode).toBe(400);
    const resized = await call('PATCH', `/api/v1/dashboards/${id}/tiles/${b}`, marketer, { width: 2 });
    expect(resized.json().tiles[0]).toMatchObject({ id: b, width: 2 });
    expect(
      (await call('PATCH', `/api/v1/dashboards/${id}/tiles/${b}`, viewer, { width: 1 })).statusCode,
    ).toBe(403);

    expect((await call('DELETE', `/api/v1/saved-insights/${second.id}`, marketer)).statusCode).toBe(204);
    const after = (await call('GET', `/api/v1/dashboards/${id}`, viewer)).json();
    expect(after.tiles).toMatchObject([{ id: a, position: 0, insight: { name: 'Signup funnel' } }]);
    const removed = await call('DELETE', `/api/v1/dashboards/${id}/tiles/${a}`, marketer);
    expect(removed.json().tiles).toEqual([]);
    const listed = (await call('GET', '/api/v1/dashboards', viewer)).json().data;
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ id, tileCount: 0 })]));
    expect((await call('DELETE', `/api/v1/dashboards/${id}`, marketer)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/dashboards/${id}`, viewer)).statusCode).toBe(404);
  });
});
