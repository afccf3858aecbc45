import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
const DAY_MS = 86_400_000;

describe.each(ENGINES)('the predictions API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());
  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown, headers = server.owner) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('names the field of a bad fit request', async () => {
    const unknownModel = await call('POST', '/api/v1/predictions/fit', {
      model: 'pareto',
      event: 'Order Completed',
      timeUnit: 'day',
    });
    expect(unknownModel.statusCode).toBe(400);
    expect(unknownModel.json().error.details[0].path).toBe('body.model');
    const missingEvent = await call('POST', '/api/v1/predictions/fit', { model: 'bgnbd', timeUnit: 'week' });
    expect(missingEvent.statusCode).toBe(400);
    expect(missingEvent.json().error.details[0].path).toBe('body.event');
    const badDate = await call('POST', '/api/v1/predictions/fit', {
      model: 'bgnbd',
      event: 'Order Completed',
      timeUnit: 'week',
      calibrationEnd: '30/09/1997',
    });
    expect(badDate.json().error.details[0].path).toBe('body.calibrationEnd');
    const noOrders = await call('POST', '/api/v1/predictions/fit', {
      model: 'bgnbd',
      event: 'Order Completed',
      timeUnit: 'day',
    });
    expect(noOrders.statusCode).toBe(422);
    expect(noOrders.json().error).toMatchObject({ code: 'unprocessable', details: [{ path: 'body.event' }] });
    expect(noOrders.json().error.message).toContain('no "Order Completed" events');
  });

  it('fits, refreshes and serves a person their predictions', async () => {
    const order = (userId: string, daysAgo: number, revenue: number) => ({
      type: 'track',
      event: 'Order Completed',
      userId,
      properties: { revenue },
      timestamp: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
    });
    const batch = [];
    for (let i = 0; i < 8; i++)
      for (let k = 0; k <= i % 4; k++) batch.push(order(`buyer-${i}`, 5 + 20 * k + i, 20 + 3 * i + k));
    expect((await call('POST', '/v1/batch', { batch }, writeKey)).statusCode).toBe(200);
    await server.engine.pipeline.catchUp();

    const fit = await call('POST', '/api/v1/predictions/fit', {
      model: 'gamma-gamma',
      event: 'Order Completed',
      valueProperty: 'revenue',
      timeUnit: 'day',
    });
    expect(fit.statusCode).toBe(200);
    expect(fit.json()).toMatchObject({
      params: { p: expect.any(Number), q: expect.any(Number), gamma: expect.any(Number) },
      customers: 6,
    });
    const bgNbd = await call('POST', '/api/v1/predictions/fit', {
      model: 'bgnbd',
      event: 'Order Completed',
      timeUnit: 'week',
    });
    expect(Object.keys(bgNbd.json().params)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(bgNbd.json().customers).toBe(8);

    const empty = await call('GET', '/api/v1/predictions');
    expect(empty.json()).toMatchObject({
      lastRun: null,
      bgNbd: null,
      settings: { enabled: false, orderEvent: 'Order Completed' },
    });
    const viewer = await server.tokenFor('viewer');
    const forbidden = await call(
      'PUT',
      '/api/v1/predictions/settings',
      { ...empty.json().settings, enabled: true },
      viewer,
    );
    expect(forbidden.statusCode).toBe(403);
    const badSettings = await call('PUT', '/api/v1/predictions/settings', {
      ...empty.json().settings,
      refreshHours: 0,
    });
    expect(badSettings.json().error.details[0].path).toBe('body.refreshHours');
    const saved = await call('PUT', '/api/v1/predictions/settings', {
      ...empty.json().settings,
      enabled: true,
    });
    expect(saved.json().enabled).toBe(true);

    const started = await call('POST', '/api/v1/predictions/refresh');
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ status: 'running', trigger: 'manual' });
    await server.engine.predictions.whenIdle(server.workspaceId);
    const overview = (await call('GET', '/api/v1/predictions', undefined, viewer)).json();
    expect(overview).toMatchObject({
      lastRun: { status: 'done' },
      orders: batch.length,
      bgNbd: { customers: 8 },
    });

    const buyer = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'buyer-3')).id;
    const person = await call('GET', `/api/v1/predictions/people/${buyer}`, undefined, viewer);
    expect(person.json().predictions).toMatchObject({
      profileId: buyer,
      purchases: 4,
      churnRisk: expect.any(String),
    });
    const nobody = await call('GET', '/api/v1/predictions/people/prf_nobody');
    expect(nobody.json()).toEqual({ predictions: null });
  });
});
