import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

const PARIS_OFFICE = {
  name: 'Paris office',
  timeZone: 'Europe/Paris',
  weekly: [1, 2, 3, 4, 5].flatMap((day) => [
    { day, start: '09:00', end: '12:30' },
    { day, start: '13:30', end: '18:00' },
  ]),
  holidays: ['2026-12-25'],
};

describe.each(ENGINES)('the SLA settings API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());
  const call = (
    headers: Record<string, string>,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('creates, lists, edits and deletes business calendars', async () => {
    const created = await call(server.owner, 'POST', '/api/v1/business-calendars', PARIS_OFFICE);
    expect(created.statusCode).toBe(201);
    const calendar = created.json();
    expect(calendar).toMatchObject({ ...PARIS_OFFICE, id: expect.stringMatching(/^cal_/) });
    const listed = await call(server.owner, 'GET', '/api/v1/business-calendars');
    expect(listed.json().data.map((c: { id: string }) => c.id)).toContain(calendar.id);
    const renamed = await call(server.owner, 'PATCH', `/api/v1/business-calendars/${calendar.id}`, {
      name: 'Paris HQ',
      holidays: ['2026-12-25', '2026-12-26'],
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({
      name: 'Paris HQ',
      holidays: ['2026-12-25', '2026-12-26'],
      timeZone: 'Europe/Paris',
    });
    expect((await call(server.owner, 'DELETE', `/api/v1/business-calendars/${calendar.id}`)).statusCode).toBe(
      204,
    );
    const gone = await call(server.owner, 'GET', `/api/v1/business-calendars/${calendar.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('not_found');
  });

  it('refuses a bad calendar or policy with the field named', async () => {
    const zone = await call(server.owner, 'POST', '/api/v1/business-calendars', {
      ...PARIS_OFFICE,
      timeZone: 'Europe/Atlantis',
    });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: 'timeZone' }] });
    expect(zone.json().error.message).toContain('unknown time zone "Europe/Atlantis"');
    const empty = await call(server.owner, 'POST', '/api/v1/business-calendars', {
      ...PARIS_OFFICE,
      weekly: [],
    });
    expect(empty.statusCode).toBe(400);
    expect(JSON.stringify(empty.json().error)).toContain('weekly');
    const time = await call(server.owner, 'POST', '/api/v1/business-calendars', {
      ...PARIS_OFFICE,
      weekly: [{ day: 1, start: '9am', end: '17:00' }],
    });
    expect(time.statusCode).toBe(400);
    expect(JSON.stringify(time.json().error)).toContain('weekly.0.start');
    const noTargets = await call(server.owner, 'POST', '/api/v1/sla-policies', { name: 'x', targets: {} });
    expect(noTargets.statusCode).toBe(400);
    expect(JSON.stringify(noTargets.json().error)).toContain('targets');
    const badField = await call(server.owner, 'POST', '/api/v1/sla-policies', {
      name: 'x',
      targets: { normal: { firstResponse: 60 } },
      conditions: [{ field: 'plan', op: 'is', value: 'pro' }],
    });
    expect(badField.statusCode).toBe(400);
    expect(JSON.stringify(badField.json().error)).toContain('conditions.0.field');
    const badCalendar = await call(server.owner, 'POST', '/api/v1/sla-policies', {
      name: 'x',
      calendarId: 'cal_nope',
      targets: { normal: { firstResponse: 60 } },
    });
    expect(badCalendar.statusCode).toBe(400);
    expect(badCalendar.json().error.details).toEqual([{ path: 'calendarId', message: expect.any(String) }]);
  });

  it('orders policies, and the first match sets a ticket’s clock, shown with its explanation', async () => {
    const calendar = (await call(server.owner, 'POST', '/api/v1/business-calendars', PARIS_OFFICE)).json();
    const standard = await call(server.owner, 'POST', '/api/v1/sla-policies', {
      name: 'Standard',
      calendarId: calendar.id,
      targets: { normal: { firstResponse: 240, resolution: 2400 } },
    });
    expect(standard.statusCode).toBe(201);
    expect(standard.json()).toMatchObject({
      hours: 'business',
      enabled: true,
      atRiskPercent: 20,
      position: 0,
    });
    const enterprise = await call(server.owner, 'POST', '/api/v1/sla-policies', {
      name: 'Enterprise',
      hours: 'calendar',
      conditions: [{ field: 'traits.plan', op: 'is', value: 'enterprise' }],
      targets: { normal: { firstResponse: 30, nextResponse: 60 } },
      position: 0,
    });
    expect(enterprise.json().position).toBe(0);
    const order = await call(server.owner, 'GET', '/api/v1/sla-policies');
    expect(order.json().data.map((p: { name: string }) => p.name)).toEqual(['Enterprise', 'Standard']);

    const sent = await call(writeKey, 'POST', '/v1/identify', {
      userId: 'ent',
      traits: { plan: 'enterprise' },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    const profileId = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'ent')).id;
    const createdAt = new Date(Date.now() - 40 * 60_000).toISOString();
    await server.engine.sla.track({
      workspaceId: server.workspaceId,
      ticketId: 'tick_route_test',
      priority: 'normal',
      type: null,
      tags: [],
      teamId: null,
      createdAt,
      statusChanges: [{ status: 'new', at: createdAt }],
      publicMessages: [{ author: 'requester', at: createdAt }],
      profileId,
    });
    const clock = await call(server.owner, 'GET', '/api/v1/sla-clocks/tick_route_test');
    expect(clock.statusCode).toBe(200);
    expect(clock.json()).toMatchObject({
      policyId: enterprise.json().id,
      breached: ['first_response'],
      firstResponseDueAt: new Date(Date.parse(createdAt) + 30 * 60_000).toISOString(),
    });
    expect(clock.json().explanation[0]).toContain('policy "Enterprise"');
    const atRisk = await call(server.owner, 'GET', '/api/v1/sla-clocks/at-risk?limit=5');
    expect(atRisk.json().data).toEqual([
      expect.objectContaining({ ticketId: 'tick_route_test', breached: ['first_response'] }),
    ]);

    const reordered = await call(server.owner, 'PUT', '/api/v1/sla-policies/order', {
      ids: [standard.json().id, enterprise.json().id],
    });
    expect(reordered.json().data.map((p: { name: string }) => p.name)).toEqual(['Standard', 'Enterprise']);
    const disabled = await call(server.owner, 'PATCH', `/api/v1/sla-policies/${standard.json().id}`, {
      enabled: false,
    });
    expect(disabled.json()).toMatchObject({ enabled: false, name: 'Standard' });
    const inUse = await call(server.owner, 'DELETE', `/api/v1/business-calendars/${calendar.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(
      (await call(server.owner, 'DELETE', `/api/v1/sla-policies/${standard.json().id}`)).statusCode,
    ).toBe(204);
  });

  it('lets support read the settings, and only owners and admins change them', async () => {
    const support = await server.tokenFor('support');
    const sales = await server.tokenFor('sales');
    const admin = await server.tokenFor('admin');
    expect((await call(support, 'GET', '/api/v1/sla-policies')).statusCode).toBe(200);
    expect((await call(support, 'GET', '/api/v1/business-calendars')).statusCode).toBe(200);
    const refused = await call(support, 'POST', '/api/v1/business-calendars', PARIS_OFFICE);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect(
      (await call(sales, 'POST', '/api/v1/sla-policies', { name: 'x', targets: { low: { resolution: 5 } } }))
        .statusCode,
    ).toBe(403);
    expect((await call(admin, 'POST', '/api/v1/business-calendars', PARIS_OFFICE)).statusCode).toBe(201);
    expect((await call({}, 'GET', '/api/v1/sla-policies')).statusCode).toBe(401);
  });

  it('keeps each workspace’s settings and clocks to itself', async () => {
    const policy = (
      await call(server.owner, 'POST', '/api/v1/sla-policies', {
        name: 'Mine',
        targets: { low: { resolution: 60 } },
      })
    ).json();
    const { id: otherId } = await createWorkspace(server.engine.store, 'Elsewhere');
    const outsider = await server.tokenFor('owner', otherId);
    expect((await call(outsider, 'GET', `/api/v1/sla-policies/${policy.id}`)).statusCode).toBe(404);
    expect((await call(outsider, 'GET', '/api/v1/sla-clocks/tick_route_test')).statusCode).toBe(404);
    expect((await call(outsider, 'GET', '/api/v1/sla-policies')).json().data).toEqual([]);
  });
});
