import { ENGINES } from '@tandem/engine/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

describe.each(ENGINES)('retention over HTTP on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('saves policies, refuses bad ones naming the field, runs now and reports the run', async () => {
    const { app, engine, workspaceId, sourceId, owner } = server;
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/retention/policies',
      headers: owner,
      payload: {
        events: [{ event: 'Page Viewed', days: 0 }],
        crmActivitiesDays: null,
        closedTicketsDays: null,
        auditLogDays: null,
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('days');
    const twice = await app.inject({
      method: 'PUT',
      url: '/api/v1/retention/policies',
      headers: owner,
      payload: {
        events: [
          { event: 'Page Viewed', days: 30 },
          { event: 'Page Viewed', days: 60 },
        ],
        crmActivitiesDays: null,
        closedTicketsDays: null,
        auditLogDays: null,
      },
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.message).toContain('events.1.event');
    expect(twice.json().error.message).toContain('"Page Viewed" has two policies');

    const policies = {
      events: [{ event: 'Page Viewed', days: 30 }],
      crmActivitiesDays: 90,
      closedTicketsDays: null,
      auditLogDays: 365,
    };
    const saved = await app.inject({
      method: 'PUT',
      url: '/api/v1/retention/policies',
      headers: owner,
      payload: policies,
    });
    expect(saved.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/retention/policies', headers: owner })).json(),
    ).toEqual(policies);

    const old = new Date(Date.now() - 45 * 86_400_000).toISOString();
    await engine.collector.collect({
      source: { workspaceId, sourceId },
      calls: [
        { type: 'track', userId: 'ann', event: 'Page Viewed', timestamp: old, messageId: 'old' },
        { type: 'track', userId: 'ann', event: 'Page Viewed', messageId: 'new' },
      ],
      request: {},
    });
    await sql`update events set received_at = timestamp where workspace_id = ${workspaceId}`.execute(
      engine.store.db,
    );

    const started = await app.inject({ method: 'POST', url: '/api/v1/retention/runs', headers: owner });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ trigger: 'manual', status: 'running' });
    await engine.retention.whenIdle(workspaceId);
    const runs = (await app.inject({ method: 'GET', url: '/api/v1/retention/runs', headers: owner })).json();
    expect(runs.data[0]).toMatchObject({
      id: started.json().id,
      status: 'done',
      removed: { events: { 'Page Viewed': 1 }, crmActivities: 0, closedTickets: 0, auditEntries: 0 },
    });
    const viewer = await server.tokenFor('viewer');
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/retention/runs', headers: viewer })).statusCode,
    ).toBe(403);
  });
});
