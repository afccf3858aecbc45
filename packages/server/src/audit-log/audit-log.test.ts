import { ENGINES } from '@tandem/engine/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  type TestServer,
} from '../testing/test-server.js';
import { verifyAuditChains } from './audit-verify-command.js';

describe.each(ENGINES)('the audit log over HTTP on %s', (kind) => {
  let server: TestServer;
  let token: { id: string; headers: Record<string, string> };
  let session: { userId: string; headers: Record<string, string> };

  beforeAll(async () => {
    server = await startTestServer(kind);
    const created = await server.engine.access.tokens.create({
      workspaceId: server.workspaceId,
      name: 'auditor',
      role: 'admin',
    });
    token = { id: created.id, headers: { authorization: `Bearer ${created.token}` } };
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
    });
    session = {
      userId: login.json().user.id,
      headers: {
        cookie: String(login.headers['set-cookie']).split(';')[0] ?? '',
        'x-csrf-token': login.json().csrfToken,
      },
    };
  });
  afterAll(() => server.close());

  const auditLog = async (query: string, headers = token.headers) => {
    await server.engine.auditLog.flush();
    const response = await server.app.inject({ method: 'GET', url: `/api/v1/audit-log?${query}`, headers });
    expect(response.statusCode).toBe(200);
    return response.json().data as Record<string, unknown>[];
  };

  it('records reads of a person and writes with the actor who made them', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: session.headers,
      payload: { email: 'ann@example.com', name: 'Ann' },
    });
    expect(created.statusCode).toBe(201);
    const profileId = created.json().profileId as string;
    const changed = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${profileId}`,
      headers: session.headers,
      payload: { lifecycleStage: 'customer' },
    });
    expect(changed.statusCode).toBe(200);
    const read = await server.app.inject({
      method: 'GET',
      url: `/api/v1/profiles/${profileId}`,
      headers: token.headers,
    });
    expect(read.statusCode).toBe(200);
    const timeline = await server.app.inject({
      method: 'GET',
      url: `/api/v1/profiles/${profileId}/events`,
      headers: token.headers,
    });
    expect(timeline.statusCode).toBe(200);
    const lookup = await server.app.inject({
      method: 'GET',
      url: '/api/v1/profiles/lookup?type=email&value=ann@example.com',
      headers: token.headers,
    });
    expect(lookup.statusCode).toBe(200);
    // Lists of other things are not reads of a person.
    await server.app.inject({ method: 'GET', url: '/api/v1/audiences', headers: token.headers });

    const aboutAnn = await auditLog(`profileId=${profileId}`);
    expect(
      aboutAnn.map((entry) => [entry.action, entry.method, entry.route, entry.actorKind, entry.actorId]),
    ).toEqual([
      ['read', 'GET', '/api/v1/profiles/lookup', 'token', token.id],
      ['read', 'GET', '/api/v1/profiles/:id/events', 'token', token.id],
      ['read', 'GET', '/api/v1/profiles/:id', 'token', token.id],
      ['write', 'PATCH', '/api/v1/people/:id', 'user', session.userId],
      ['write', 'POST', '/api/v1/people', 'user', session.userId],
    ]);
    // The CRM's own trail gives the change's before and after.
    expect(aboutAnn[3]).toMatchObject({
      before: { lifecycleStage: null },
      after: { lifecycleStage: 'customer' },
    });
    expect(aboutAnn[4]).toMatchObject({ status: 201, after: { email: 'ann@example.com', name: 'Ann' } });
    expect(aboutAnn[1]).toMatchObject({ entityIds: { id: profileId } });
    expect(aboutAnn[0]).toMatchObject({ entityIds: { type: 'email', value: 'ann@example.com' } });
    expect((await auditLog(`actor=${session.userId}&action=write`)).map((entry) => entry.route)).toContain(
      '/api/v1/people',
    );
    expect(await auditLog('action=read')).not.toContainEqual(
      expect.objectContaining({ route: '/api/v1/audiences' }),
    );
  });

  it('redacts secrets from what a write sent and refuses callers without audit:read', async () => {
    const invited = await server.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: token.headers,
      payload: { email: 'viewer@example.com', password: 'a long secret password', role: 'viewer' },
    });
    expect(invited.statusCode).toBe(201);
    const [entry] = await auditLog(`actor=${token.id}&action=write`);
    expect(entry).toMatchObject({
      route: '/api/v1/users',
      after: { email: 'viewer@example.com', password: '[redacted]' },
    });
    expect(JSON.stringify(entry)).not.toContain('a long secret password');

    const viewer = await server.tokenFor('viewer');
    const refused = await server.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: viewer });
    expect(refused.statusCode).toBe(403);
    const badFilter = await server.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log?action=delete',
      headers: token.headers,
    });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.body).toContain('action');
  });

  it('exports NDJSON and CSV, and verification reports an edited row', async () => {
    await server.engine.auditLog.flush();
    const ndjson = await server.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log/export',
      headers: token.headers,
    });
    expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
    const lines = ndjson.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number });
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[0]?.seq).toBeGreaterThan(lines.at(-1)?.seq ?? Infinity);
    const csv = await server.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log/export?format=csv&action=write',
      headers: token.headers,
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe(
      'seq,at,actorKind,actorId,action,method,route,status,profileId,entityIds,before,after,erased,hash',
    );
    expect(csv.body).toContain('/api/v1/people');

    const verified = await server.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log/verify',
      headers: token.headers,
    });
    expect(verified.json()).toMatchObject({ ok: true, brokenAt: null });
    expect((await verifyAuditChains(server.engine, server.workspaceId)).ok).toBe(true);

    await sql`update audit_entries set route = '/api/v1/nothing' where workspace_id = ${server.workspaceId} and seq = 2`.execute(
      server.engine.store.db,
    );
    const broken = await server.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log/verify',
      headers: token.headers,
    });
    expect(broken.json()).toMatchObject({
      ok: false,
      checked: 1,
      brokenAt: { seq: 2, reason: 'hash_mismatch' },
    });
    const command = await verifyAuditChains(server.engine, undefined);
    expect(command.ok).toBe(false);
    expect(command.lines.join('\n')).toContain(`${server.workspaceId}: BROKEN at entry 2`);
  });
});
