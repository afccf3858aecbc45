import { PERMISSIONS, type Permission, ROLES, type Role, roleAllows } from '@tandem/contract';
import { createWorkspace } from '@tandem/engine';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../app.js';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';
import type { RouteAccess } from './route-access.js';

// Generated from the route table: every admin route, tried with every kind of credential, must
// let through exactly the callers its declared access allows.

const PASSWORD = 'tulip granite voyage 5';

type Caller = { kind: 'token' | 'session'; role: Role };

/** Whether a route's declared access lets a caller past the access check. */
function allows(access: RouteAccess | undefined, caller: Caller): boolean {
  switch (access) {
    case undefined:
      return false;
    case 'public':
    case 'signed-in':
      return true;
    case 'session':
      return caller.kind === 'session';
    default:
      return roleAllows(caller.role, access);
  }
}

/** Fills `:params` with ids that match nothing, so that allowed calls change nothing. */
function placeholder(url: string): string {
  return url.replace(/:(\w+)/g, 'x_$1');
}

const denied = (status: number) => status === 401 || status === 403;

describe.each(ENGINES)('the whole admin route table on %s', (kind) => {
  let server: TestServer;
  const tokens = new Map<Role, Record<string, string>>();
  const sessions = new Map<Role, { cookie: string; csrf: string }>();
  let otherWorkspaceOwner: Record<string, string>;
  let revoked: Record<string, string>;
  let expired: Record<string, string>;
  /** Real ids of the bootstrap workspace's things, by the route prefix that names them. */
  const realIds = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer(kind);
    const { engine, workspaceId } = server;
    for (const role of ROLES) {
      tokens.set(role, await server.tokenFor(role));
      const email = `${role}@route-table.example.com`;
      const invited = await server.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: server.owner,
        payload: { email, password: PASSWORD, role },
      });
      expect(invited.statusCode).toBe(201);
      const login = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      sessions.set(role, {
        cookie: String(login.headers['set-cookie']).split(';')[0] ?? '',
        csrf: login.json().csrfToken,
      });
    }
    const other = await createWorkspace(engine.store, 'Other');
    otherWorkspaceOwner = await server.tokenFor('owner', other.id);

    const gone = await engine.access.tokens.create({ workspaceId, name: 'revoked', role: 'owner' });
    await engine.access.tokens.revoke(workspaceId, gone.id);
    revoked = { authorization: `Bearer ${gone.token}` };
    const old = await engine.access.tokens.create({
      workspaceId,
      name: 'expired',
      role: 'owner',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    // Expired a year ago: the store is set directly rather than waiting for a clock.
    await engine.store.db
      .updateTable('api_tokens')
      .set({ expires_at: '2025-01-01T00:00:00.000Z' })
      .where('token_id', '=', old.id)
      .execute();
    expired = { authorization: `Bearer ${old.token}` };

    // Something of each kind in the bootstrap workspace, for the other workspace to reach for.
    const post = async (url: string, payload: unknown) => {
      const response = await server.app.inject({ method: 'POST', url, headers: server.owner, payload });
      expect(response.statusCode, url).toBeLessThan(300);
      return response.json();
    };
    realIds.set('/api/v1/sources/:id', server.sourceId);
    realIds.set('/api/v1/tokens/:id', (await engine.access.tokens.list(workspaceId))[0]?.id ?? '');
    realIds.set('/api/v1/members/:id', (await engine.access.members.list(workspaceId))[0]?.id ?? '');
    // Someone removed without a hand-over who still owns a person of this workspace.
    const former = await engine.access.accounts.ensureUser({ email: 'former@route-table.example.com' });
    await engine.access.members.add(workspaceId, former.id, 'sales');
    await engine.people.create(
      workspaceId,
      { email: 'kept@route-table.example.com', ownerId: former.id },
      null,
    );
    await engine.access.members.remove({ userId: null, role: 'owner' }, workspaceId, former.id);
    realIds.set('/api/v1/former-members/:id', former.id);
    realIds.set(
      '/api/v1/audiences/:id',
      (await post('/api/v1/audiences', { name: 'A', rule: { trait: 'plan', op: 'eq', value: 'pro' } })).id,
    );
    realIds.set(
      '/api/v1/computed-traits/:id',
      (await post('/api/v1/computed-traits', { name: 'n', kind: 'count', event: 'E' })).id,
    );
    realIds.set(
      '/api/v1/destinations/:id',
      (
        await post('/api/v1/destinations', {
          name: 'D',
          type: 'webhook',
          config: { url: 'https://example.com/hook' },
        })
      ).id,
    );
    const invitation = await post('/api/v1/users', {
      email: 'pending@route-table.example.com',
      role: 'viewer',
    });
    realIds.set('/api/v1/invitations/:id', invitation.id);
    realIds.set('/api/v1/auth/invitations/:id', invitation.id);
    const tracked = await server.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` },
      payload: { userId: 'route-table-person', traits: { plan: 'pro' } },
    });
    expect(tracked.statusCode).toBe(200);
    await engine.pipeline.catchUp();
    const profile = await engine.profiles.lookup(workspaceId, 'user_id', 'route-table-person');
    realIds.set('/api/v1/profiles/:id', profile.id);
    const job = await server.app.inject({
      method: 'POST',
      url: `/api/v1/sources/${server.sourceId}/imports?format=ndjson`,
      headers: { ...server.owner, 'content-type': 'application/x-ndjson' },
      payload: '{"type":"track","userId":"u","event":"E"}\n',
    });
    realIds.set('/api/v1/imports/:id', job.json().id ?? '');
    realIds.set(
      '/api/v1/views/:id',
      (await post('/api/v1/views', { name: 'Shared', entity: 'people', shared: true })).id,
    );
    realIds.set(
      '/api/v1/saved-insights/:id',
      (
        await post('/api/v1/saved-insights', {
          name: 'Views',
          chart: 'line',
          query: { kind: 'trend', series: [{ event: 'Page Viewed' }] },
        })
      ).id,
    );
    realIds.set('/api/v1/dashboards/:id', (await post('/api/v1/dashboards', { name: 'Board' })).id);
    realIds.set('/api/v1/people/:id', profile.id);
    realIds.set(
      '/api/v1/privacy/requests/:id',
      (
        await post('/api/v1/privacy/requests', {
          type: 'export',
          identifier: { type: 'user_id', value: 'nobody' },
        })
      ).id,
    );
    realIds.set('/api/v1/companies/:id', (await post('/api/v1/companies', { name: 'Co' })).id);
    realIds.set('/api/v1/teams/:id', (await post('/api/v1/teams', { name: 'T' })).id);
    realIds.set(
      '/api/v1/activities/:id',
      (await post('/api/v1/activities', { kind: 'note', profileId: profile.id, body: 'n' })).id,
    );
    realIds.set(
      '/api/v1/tasks/:id',
      (await post('/api/v1/tasks', { title: 't', dueAt: '2030-01-01T00:00:00Z' })).id,
    );
    realIds.set(
      '/api/v1/custom-fields/:id',
      (await post('/api/v1/custom-fields', { entity: 'person', key: 'k', label: 'K', type: 'text' })).id,
    );
    const pipeline = await post('/api/v1/pipelines', { name: 'P', stages: [{ name: 'S', probability: 5 }] });
    realIds.set('/api/v1/pipelines/:id', pipeline.id);
    const deal = await post('/api/v1/deals', {
      name: 'D',
      amount: 1,
      currency: 'EUR',
      pipelineId: pipeline.id,
    });
    realIds.set('/api/v1/deals/:id', deal.id);
    realIds.set(
      '/api/v1/business-calendars/:id',
      (
        await post('/api/v1/business-calendars', {
          name: 'C',
          timeZone: 'UTC',
          weekly: [{ day: 1, start: '09:00', end: '17:00' }],
        })
      ).id,
    );
    realIds.set(
      '/api/v1/sla-policies/:id',
      (await post('/api/v1/sla-policies', { name: 'P', targets: { normal: { firstResponse: 60 } } })).id,
    );
    realIds.set(
      '/api/v1/mailboxes/:id',
      (await post('/api/v1/mailboxes', { address: 'route-table@desk.example.com' })).id,
    );
    realIds.set('/api/v1/web-forms/:id', (await post('/api/v1/web-forms', { name: 'Contact' })).id);
    realIds.set(
      '/api/v1/journeys/:id',
      (
        await post('/api/v1/journeys', {
          name: 'J',
          entry: { kind: 'event', event: 'E' },
          steps: [{ id: 'a', kind: 'exit' }],
        })
      ).id,
    );
    realIds.set(
      '/api/v1/tickets/:id',
      (await post('/api/v1/tickets', { subject: 'T', profileId: profile.id })).id,
    );
    realIds.set(
      '/api/v1/canned-replies/:id',
      (await post('/api/v1/canned-replies', { name: 'C', body: 'c' })).id,
    );
    realIds.set(
      '/api/v1/help-center/categories/:id',
      (await post('/api/v1/help-center/categories', { name: 'C' })).id,
    );
    realIds.set('/api/v1/lists/:id', (await post('/api/v1/lists', { name: 'L' })).id);
    realIds.set(
      '/api/v1/sequences/:id',
      (await post('/api/v1/sequences', { name: 'S', steps: [{ kind: 'task', title: 'T', delay: '1d' }] })).id,
    );
    realIds.set(
      '/api/v1/help-center/articles/:id',
      (await post('/api/v1/help-center/articles', { title: 'A' })).id,
    );
    realIds.set('/api/v1/email/topics/:id', (await post('/api/v1/email/topics', { name: 'T' })).id);
    const emailTemplate = await post('/api/v1/email/templates', {
      name: 'T',
      subject: 'S',
      mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
    });
    realIds.set('/api/v1/email/templates/:id', emailTemplate.id);
    realIds.set(
      '/api/v1/broadcasts/:id',
      (
        await post('/api/v1/broadcasts', {
          templateId: emailTemplate.id,
          audienceId: realIds.get('/api/v1/audiences/:id'),
          sendAt: '2099-01-01T00:00:00.000Z',
        })
      ).id,
    );
  });
  afterAll(() => server.close());

  const adminRoutes = (): RouteEntry[] =>
    server.app.routeTable.filter((route) => route.url.startsWith('/api/v1/') && route.method !== 'HEAD');

  it('declares an access rule on every admin route', () => {
    expect(adminRoutes().length).toBeGreaterThan(40);
    for (const route of adminRoutes()) expect(route.access, `${route.method} ${route.url}`).toBeDefined();
    for (const route of adminRoutes()) {
      const access = route.access;
      if (access && !['public', 'signed-in', 'session'].includes(access)) {
        expect(PERMISSIONS, `${route.method} ${route.url}`).toContain(access as Permission);
      }
    }
  });

  it('declares the access reviewed for each route (a change here is a security review)', () => {
    const declared = adminRoutes()
      .map((route) => `${route.method} ${route.url} → ${route.access}`)
      .sort();
    expect(declared).toMatchInlineSnapshot(`
      [
        "DELETE /api/v1/audiences/:id → audiences:write",
        "DELETE /api/v1/business-calendars/:id → members:manage",
        "DELETE /api/v1/canned-replies/:id → tickets:write",
        "DELETE /api/v1/companies/:id/people/:profileId → crm:write",
        "DELETE /api/v1/computed-traits/:id → audiences:write",
        "DELETE /api/v1/consent/purposes/:key → privacy:manage",
        "DELETE /api/v1/custom-fields/:id → crm:write",
        "DELETE /api/v1/dashboards/:id → insights:write",
        "DELETE /api/v1/dashboards/:id/tiles/:tileId → insights:write",
        "DELETE /api/v1/destinations/:id → destinations:write",
        "DELETE /api/v1/email/suppressions/:address → audiences:write",
        "DELETE /api/v1/email/templates/:id → audiences:write",
        "DELETE /api/v1/email/topics/:id → audiences:write",
        "DELETE /api/v1/help-center/articles/:id → tickets:write",
        "DELETE /api/v1/help-center/categories/:id → tickets:write",
        "DELETE /api/v1/invitations/:id → members:manage",
        "DELETE /api/v1/journeys/:id → audiences:write",
        "DELETE /api/v1/lists/:id → crm:write",
        "DELETE /api/v1/lists/:id/members → crm:write",
        "DELETE /api/v1/mailboxes/:id → sources:write",
        "DELETE /api/v1/members/:id → members:manage",
        "DELETE /api/v1/members/me → session",
        "DELETE /api/v1/saved-insights/:id → insights:write",
        "DELETE /api/v1/sequences/:id → crm:write",
        "DELETE /api/v1/sla-policies/:id → members:manage",
        "DELETE /api/v1/sources/:id → sources:write",
        "DELETE /api/v1/sources/:id/tracking-plan → sources:write",
        "DELETE /api/v1/teams/:id → crm:write",
        "DELETE /api/v1/tokens/:id → tokens:manage",
        "DELETE /api/v1/views/:id → crm:read",
        "DELETE /api/v1/web-forms/:id → sources:write",
        "GET /api/v1/activities → crm:read",
        "GET /api/v1/activities/:id → crm:read",
        "GET /api/v1/audiences → audiences:read",
        "GET /api/v1/audiences/:id → audiences:read",
        "GET /api/v1/audiences/:id/members → audiences:read",
        "GET /api/v1/audit-log → audit:read",
        "GET /api/v1/audit-log/export → audit:read",
        "GET /api/v1/audit-log/verify → audit:read",
        "GET /api/v1/auth/session → session",
        "GET /api/v1/broadcasts → audiences:read",
        "GET /api/v1/broadcasts/:id → audiences:read",
        "GET /api/v1/business-calendars → crm:read",
        "GET /api/v1/business-calendars/:id → crm:read",
        "GET /api/v1/canned-replies → crm:read",
        "GET /api/v1/catalog/events → audiences:read",
        "GET /api/v1/catalog/traits → audiences:read",
        "GET /api/v1/companies → crm:read",
        "GET /api/v1/companies/:id → crm:read",
        "GET /api/v1/companies/duplicates → crm:read",
        "GET /api/v1/companies/export.csv → crm:read",
        "GET /api/v1/computed-traits → audiences:read",
        "GET /api/v1/computed-traits/:id → audiences:read",
        "GET /api/v1/consent/overview → profiles:read",
        "GET /api/v1/consent/purposes → profiles:read",
        "GET /api/v1/consent/purposes/:key/readers → profiles:read",
        "GET /api/v1/consent/settings → profiles:read",
        "GET /api/v1/crm/settings → crm:read",
        "GET /api/v1/csat-reports → crm:read",
        "GET /api/v1/csat/:token → public",
        "GET /api/v1/custom-fields → crm:read",
        "GET /api/v1/dashboards → insights:read",
        "GET /api/v1/dashboards/:id → insights:read",
        "GET /api/v1/deal-settings → crm:read",
        "GET /api/v1/deals → crm:read",
        "GET /api/v1/deals/:id → crm:read",
        "GET /api/v1/deals/export.csv → crm:read",
        "GET /api/v1/destinations → destinations:read",
        "GET /api/v1/destinations/:id → destinations:read",
        "GET /api/v1/destinations/:id/deliveries → destinations:read",
        "GET /api/v1/destinations/:id/deliveries/:deliveryId → destinations:read",
        "GET /api/v1/destinations/:id/files → destinations:read",
        "GET /api/v1/destinations/:id/files/:fileId → destinations:read",
        "GET /api/v1/email/frequency-cap → audiences:read",
        "GET /api/v1/email/settings → audiences:read",
        "GET /api/v1/email/suppressions → audiences:read",
        "GET /api/v1/email/templates → audiences:read",
        "GET /api/v1/email/templates/:id → audiences:read",
        "GET /api/v1/email/topics → audiences:read",
        "GET /api/v1/email/topics/:id → audiences:read",
        "GET /api/v1/former-members → members:manage",
        "GET /api/v1/help-center/articles → crm:read",
        "GET /api/v1/help-center/articles/:id → crm:read",
        "GET /api/v1/help-center/categories → crm:read",
        "GET /api/v1/help-center/site → crm:read",
        "GET /api/v1/identity/settings → profiles:read",
        "GET /api/v1/imports → sources:read",
        "GET /api/v1/imports/:id → sources:read",
        "GET /api/v1/invitations → members:manage",
        "GET /api/v1/journeys → audiences:read",
        "GET /api/v1/journeys/:id → audiences:read",
        "GET /api/v1/journeys/:id/report → audiences:read",
        "GET /api/v1/journeys/:id/runs → audiences:read",
        "GET /api/v1/journeys/:id/versions → audiences:read",
        "GET /api/v1/lead-scoring → crm:read",
        "GET /api/v1/lead-scoring/calibration → crm:read",
        "GET /api/v1/lead-scoring/scores → crm:read",
        "GET /api/v1/lead-scoring/scores/:profileId → crm:read",
        "GET /api/v1/lists → crm:read",
        "GET /api/v1/lists/:id → crm:read",
        "GET /api/v1/lists/:id/members → crm:read",
        "GET /api/v1/mailboxes → crm:read",
        "GET /api/v1/mailboxes/:id → crm:read",
        "GET /api/v1/mailboxes/recent-mail → crm:read",
        "GET /api/v1/members → signed-in",
        "GET /api/v1/members/:id/holdings → members:manage",
        "GET /api/v1/overview → insights:read",
        "GET /api/v1/people → crm:read",
        "GET /api/v1/people/:id → crm:read",
        "GET /api/v1/people/export.csv → profiles:read",
        "GET /api/v1/personalization/settings → sources:read",
        "GET /api/v1/pii/access → signed-in",
        "GET /api/v1/pii/settings → profiles:read",
        "GET /api/v1/pipeline → sources:read",
        "GET /api/v1/pipelines → crm:read",
        "GET /api/v1/pipelines/:id → crm:read",
        "GET /api/v1/predictions → insights:read",
        "GET /api/v1/predictions/people/:profileId → insights:read",
        "GET /api/v1/privacy/exports/:token → public",
        "GET /api/v1/privacy/requests → privacy:manage",
        "GET /api/v1/privacy/requests/:id → privacy:manage",
        "GET /api/v1/profiles → profiles:read",
        "GET /api/v1/profiles/:id → profiles:read",
        "GET /api/v1/profiles/:id/consent → profiles:read",
        "GET /api/v1/profiles/:id/consent/history → profiles:read",
        "GET /api/v1/profiles/:id/email-preferences → profiles:read",
        "GET /api/v1/profiles/:id/events → profiles:read",
        "GET /api/v1/profiles/:id/journeys → profiles:read",
        "GET /api/v1/profiles/:id/merges → profiles:read",
        "GET /api/v1/profiles/:id/sequences → crm:read",
        "GET /api/v1/profiles/lookup → profiles:read",
        "GET /api/v1/reports/forecast → crm:read",
        "GET /api/v1/reports/pipeline → crm:read",
        "GET /api/v1/reports/sales → crm:read",
        "GET /api/v1/reports/stages → crm:read",
        "GET /api/v1/retention/policies → privacy:manage",
        "GET /api/v1/retention/runs → privacy:manage",
        "GET /api/v1/saved-insights → insights:read",
        "GET /api/v1/saved-insights/:id → insights:read",
        "GET /api/v1/search → crm:read",
        "GET /api/v1/sequences → crm:read",
        "GET /api/v1/sequences/:id → crm:read",
        "GET /api/v1/sequences/:id/enrollments → crm:read",
        "GET /api/v1/sequences/:id/report → crm:read",
        "GET /api/v1/sla-attainment → crm:read",
        "GET /api/v1/sla-clocks/:ticketId → crm:read",
        "GET /api/v1/sla-clocks/at-risk → crm:read",
        "GET /api/v1/sla-policies → crm:read",
        "GET /api/v1/sla-policies/:id → crm:read",
        "GET /api/v1/sources → sources:read",
        "GET /api/v1/sources/:id → sources:read",
        "GET /api/v1/sources/:id/events → events:read",
        "GET /api/v1/sources/:id/live → events:read",
        "GET /api/v1/sources/:id/rejections → events:read",
        "GET /api/v1/sources/:id/stats → sources:read",
        "GET /api/v1/sources/:id/tracking-plan → sources:read",
        "GET /api/v1/sources/:id/tracking-plan/export → sources:read",
        "GET /api/v1/sources/:id/tracking-plan/violations → sources:read",
        "GET /api/v1/sources/:id/webhook → sources:read",
        "GET /api/v1/tasks → crm:read",
        "GET /api/v1/tasks/:id → crm:read",
        "GET /api/v1/teams → crm:read",
        "GET /api/v1/teams/:id → crm:read",
        "GET /api/v1/ticket-reports → crm:read",
        "GET /api/v1/tickets → crm:read",
        "GET /api/v1/tickets/:id → crm:read",
        "GET /api/v1/tickets/:id/attachments/:attachmentId → crm:read",
        "GET /api/v1/tickets/:id/canned-replies/:cannedReplyId → crm:read",
        "GET /api/v1/tickets/:id/csat → crm:read",
        "GET /api/v1/tokens → tokens:manage",
        "GET /api/v1/views → crm:read",
        "GET /api/v1/views/:id → crm:read",
        "GET /api/v1/web-forms → crm:read",
        "GET /api/v1/webhook-presets → sources:read",
        "GET /api/v1/workspaces → signed-in",
        "PATCH /api/v1/audiences/:id → audiences:write",
        "PATCH /api/v1/business-calendars/:id → members:manage",
        "PATCH /api/v1/canned-replies/:id → tickets:write",
        "PATCH /api/v1/companies/:id → crm:write",
        "PATCH /api/v1/computed-traits/:id → audiences:write",
        "PATCH /api/v1/consent/purposes/:key → privacy:manage",
        "PATCH /api/v1/custom-fields/:id → crm:write",
        "PATCH /api/v1/dashboards/:id → insights:write",
        "PATCH /api/v1/dashboards/:id/tiles/:tileId → insights:write",
        "PATCH /api/v1/deals/:id → crm:write",
        "PATCH /api/v1/destinations/:id → destinations:write",
        "PATCH /api/v1/email/templates/:id → audiences:write",
        "PATCH /api/v1/email/topics/:id → audiences:write",
        "PATCH /api/v1/help-center/articles/:id → tickets:write",
        "PATCH /api/v1/help-center/categories/:id → tickets:write",
        "PATCH /api/v1/identity/settings → profiles:merge",
        "PATCH /api/v1/journeys/:id → audiences:write",
        "PATCH /api/v1/lists/:id → crm:write",
        "PATCH /api/v1/mailboxes/:id → sources:write",
        "PATCH /api/v1/members/:id → members:manage",
        "PATCH /api/v1/people/:id → crm:write",
        "PATCH /api/v1/pipelines/:id → crm:write",
        "PATCH /api/v1/saved-insights/:id → insights:write",
        "PATCH /api/v1/sequences/:id → crm:write",
        "PATCH /api/v1/sla-policies/:id → members:manage",
        "PATCH /api/v1/sources/:id → sources:write",
        "PATCH /api/v1/tasks/:id → crm:write",
        "PATCH /api/v1/teams/:id → crm:write",
        "PATCH /api/v1/tickets/:id → tickets:write",
        "PATCH /api/v1/tickets/:id/csat → tickets:write",
        "PATCH /api/v1/views/:id → crm:read",
        "POST /api/v1/activities → crm:write",
        "POST /api/v1/audiences → audiences:write",
        "POST /api/v1/audiences/preview → audiences:read",
        "POST /api/v1/auth/invitation → public",
        "POST /api/v1/auth/invitation/accept → public",
        "POST /api/v1/auth/invitations/:id/accept → session",
        "POST /api/v1/auth/invitations/:id/decline → session",
        "POST /api/v1/auth/login → public",
        "POST /api/v1/auth/logout → session",
        "POST /api/v1/auth/password → session",
        "POST /api/v1/auth/password-reset → public",
        "POST /api/v1/auth/password-reset/confirm → public",
        "POST /api/v1/auth/workspace → session",
        "POST /api/v1/broadcasts → audiences:write",
        "POST /api/v1/broadcasts/:id/cancel → audiences:write",
        "POST /api/v1/business-calendars → members:manage",
        "POST /api/v1/canned-replies → tickets:write",
        "POST /api/v1/companies → crm:write",
        "POST /api/v1/companies/:id/merge → crm:write",
        "POST /api/v1/companies/:id/people → crm:write",
        "POST /api/v1/computed-traits → audiences:write",
        "POST /api/v1/computed-traits/preview → audiences:read",
        "POST /api/v1/consent/purposes → privacy:manage",
        "POST /api/v1/csat/:token → public",
        "POST /api/v1/custom-fields → crm:write",
        "POST /api/v1/dashboards → insights:write",
        "POST /api/v1/dashboards/:id/tiles → insights:write",
        "POST /api/v1/deals → crm:write",
        "POST /api/v1/destinations → destinations:write",
        "POST /api/v1/destinations/:id/replay → destinations:write",
        "POST /api/v1/destinations/:id/sync → destinations:write",
        "POST /api/v1/destinations/:id/test → destinations:write",
        "POST /api/v1/destinations/mapping-test → destinations:read",
        "POST /api/v1/email/suppressions → audiences:write",
        "POST /api/v1/email/templates → audiences:write",
        "POST /api/v1/email/templates/:id/preview → audiences:read",
        "POST /api/v1/email/topics → audiences:write",
        "POST /api/v1/former-members/:id/hand-over → members:manage",
        "POST /api/v1/help-center/articles → tickets:write",
        "POST /api/v1/help-center/categories → tickets:write",
        "POST /api/v1/help-center/preview → crm:read",
        "POST /api/v1/insights/attribution → insights:read",
        "POST /api/v1/insights/funnel → insights:read",
        "POST /api/v1/insights/funnel/people → insights:read",
        "POST /api/v1/insights/funnel/people/list → insights:write",
        "POST /api/v1/insights/paths → insights:read",
        "POST /api/v1/insights/query → insights:read",
        "POST /api/v1/insights/retention → insights:read",
        "POST /api/v1/insights/trend → insights:read",
        "POST /api/v1/journeys → audiences:write",
        "POST /api/v1/journeys/:id/pause → audiences:write",
        "POST /api/v1/journeys/:id/publish → audiences:write",
        "POST /api/v1/journeys/:id/resume → audiences:write",
        "POST /api/v1/journeys/validate → audiences:read",
        "POST /api/v1/lists → crm:write",
        "POST /api/v1/lists/:id/members → crm:write",
        "POST /api/v1/mailboxes → sources:write",
        "POST /api/v1/people → crm:write",
        "POST /api/v1/people/bulk → crm:write",
        "POST /api/v1/pipelines → crm:write",
        "POST /api/v1/predictions/fit → insights:read",
        "POST /api/v1/predictions/refresh → insights:write",
        "POST /api/v1/privacy/deletions → privacy:manage",
        "POST /api/v1/privacy/requests → privacy:manage",
        "POST /api/v1/privacy/requests/bulk → privacy:manage",
        "POST /api/v1/profiles/:id/consent/preference-link → profiles:write",
        "POST /api/v1/profiles/:id/unmerge → profiles:merge",
        "POST /api/v1/retention/runs → privacy:manage",
        "POST /api/v1/saved-insights → insights:write",
        "POST /api/v1/sequences → crm:write",
        "POST /api/v1/sequences/:id/enrollments → crm:write",
        "POST /api/v1/sequences/:id/enrollments/:enrollmentId/stop → crm:write",
        "POST /api/v1/sla-policies → members:manage",
        "POST /api/v1/sources → sources:write",
        "POST /api/v1/sources/:id/imports → sources:write",
        "POST /api/v1/sources/:id/publishable-key → sources:write",
        "POST /api/v1/sources/:id/tracking-plan/draft → sources:read",
        "POST /api/v1/sources/:id/tracking-plan/import → sources:write",
        "POST /api/v1/sources/:id/webhook/test → sources:write",
        "POST /api/v1/tasks → crm:write",
        "POST /api/v1/teams → crm:write",
        "POST /api/v1/teams/:id/assign → crm:write",
        "POST /api/v1/tickets → tickets:write",
        "POST /api/v1/tickets/:id/merge → tickets:write",
        "POST /api/v1/tickets/:id/replies → tickets:write",
        "POST /api/v1/tickets/bulk → tickets:write",
        "POST /api/v1/tokens → tokens:manage",
        "POST /api/v1/users → members:manage",
        "POST /api/v1/views → crm:read",
        "POST /api/v1/web-forms → sources:write",
        "POST /api/v1/workspaces → session",
        "PUT /api/v1/consent/settings → privacy:manage",
        "PUT /api/v1/crm/settings → crm:write",
        "PUT /api/v1/dashboards/:id/tiles/order → insights:write",
        "PUT /api/v1/deal-settings → members:manage",
        "PUT /api/v1/deals/:id/people → crm:write",
        "PUT /api/v1/email/frequency-cap → audiences:write",
        "PUT /api/v1/email/settings → audiences:write",
        "PUT /api/v1/lead-scoring → crm:write",
        "PUT /api/v1/personalization/settings → sources:write",
        "PUT /api/v1/pii/settings → privacy:manage",
        "PUT /api/v1/predictions/settings → insights:write",
        "PUT /api/v1/profiles/:id/consent → profiles:write",
        "PUT /api/v1/profiles/:id/email-preferences → profiles:write",
        "PUT /api/v1/retention/policies → privacy:manage",
        "PUT /api/v1/sla-policies/order → members:manage",
        "PUT /api/v1/sources/:id/tracking-plan → sources:write",
        "PUT /api/v1/sources/:id/webhook → sources:write",
        "PUT /api/v1/tickets/:id/deals → tickets:write",
      ]
    `);
  });

  it('lets through exactly the roles its access allows, for API tokens', async () => {
    for (const route of adminRoutes()) {
      const expected = ROLES.filter((role) => allows(route.access, { kind: 'token', role }));
      const passed: Role[] = [];
      for (const role of ROLES) {
        const response = await server.app.inject({
          method: route.method as 'GET',
          url: placeholder(route.url),
          headers: tokens.get(role),
        });
        if (!denied(response.statusCode)) passed.push(role);
      }
      expect(passed, `${route.method} ${route.url}`).toEqual(expected);
    }
  });

  it('lets through exactly the roles its access allows, for UI sessions reading', async () => {
    for (const route of adminRoutes().filter((r) => r.method === 'GET')) {
      const expected = ROLES.filter((role) => allows(route.access, { kind: 'session', role }));
      const passed: Role[] = [];
      for (const role of ROLES) {
        const session = sessions.get(role);
        const response = await server.app.inject({
          url: placeholder(route.url),
          headers: { cookie: session?.cookie ?? '' },
        });
        if (!denied(response.statusCode)) passed.push(role);
      }
      expect(passed, `GET ${route.url}`).toEqual(expected);
    }
  });

  it('refuses every cookie-authenticated write without the CSRF header', async () => {
    const owner = sessions.get('owner');
    for (const route of adminRoutes().filter((r) => r.method !== 'GET' && r.access !== 'public')) {
      const response = await server.app.inject({
        method: route.method as 'POST',
        url: placeholder(route.url),
        headers: { cookie: owner?.cookie ?? '', 'x-csrf-token': 'wrong' },
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(response.json().error.code).toBe('csrf_failed');
    }
  });

  it('answers 401 without credentials and to revoked or expired tokens', async () => {
    for (const route of adminRoutes().filter((r) => r.access !== 'public')) {
      for (const headers of [{}, revoked, expired, { authorization: 'Bearer nope' }]) {
        const response = await server.app.inject({
          method: route.method as 'GET',
          url: placeholder(route.url),
          headers,
        });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(response.json().error.code).toBe('unauthorized');
      }
    }
  });

  it('never lets a token of another workspace reach this workspace’s things', async () => {
    let reached = 0;
    for (const route of adminRoutes().filter((r) => r.url.includes(':id'))) {
      const prefix = [...realIds.keys()].find((known) => route.url.startsWith(known));
      expect(prefix, `a real id for ${route.url}`).toBeDefined();
      const id = realIds.get(prefix ?? '') ?? '';
      expect(id, prefix).not.toBe('');
      const response = await server.app.inject({
        method: route.method as 'GET',
        url: route.url.replace(':id', id),
        headers: otherWorkspaceOwner,
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBeGreaterThanOrEqual(400);
      if (route.method === 'GET' || route.method === 'DELETE') {
        expect([403, 404], `${route.method} ${route.url}`).toContain(response.statusCode);
      }
      reached += 1;
    }
    expect(reached).toBeGreaterThan(15);
    // And what it lists is its own.
    const sources = await server.app.inject({ url: '/api/v1/sources', headers: otherWorkspaceOwner });
    expect(sources.json().data).toEqual([]);
  });
});
