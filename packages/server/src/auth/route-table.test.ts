import { PERMISSIONS, type Permission, ROLE_PERMISSIONS, ROLES, type Role } from '@tandem/contract';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** Fills `:params` so the URL matches its route. */
function concrete(url: string): string {
  return url.replace(/:(\w+)/g, 'x_$1');
}

describe.each(ENGINES)('the whole admin route table on %s', (kind) => {
  let server: TestServer;
  const tokens = new Map<Role, { authorization: string }>();
  beforeAll(async () => {
    server = await startTestServer(kind);
    for (const role of ROLES) tokens.set(role, await server.tokenFor(role));
  });
  afterAll(() => server.close());

  const adminRoutes = () =>
    server.app.routeTable.filter((route) => route.url.startsWith('/api/v1/') && route.method !== 'HEAD');

  it('declares an access rule on every admin route', () => {
    expect(adminRoutes().length).toBeGreaterThan(10);
    for (const route of adminRoutes()) {
      expect(route.access, `${route.method} ${route.url}`).toBeDefined();
    }
  });

  it('answers 401 without credentials on every non-public admin route', async () => {
    for (const route of adminRoutes().filter((r) => r.access !== 'public')) {
      const response = await server.app.inject({ method: route.method as 'GET', url: concrete(route.url) });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().error.code).toBe('unauthorized');
    }
  });

  it('answers 401 to a bad token', async () => {
    const response = await server.app.inject({
      url: '/api/v1/sources',
      headers: { authorization: 'Bearer nope' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('answers 403 to every role that lacks the route’s permission', async () => {
    let checked = 0;
    for (const route of adminRoutes()) {
      const access = route.access;
      if (!access || !(PERMISSIONS as readonly string[]).includes(access)) continue;
      for (const role of ROLES) {
        if (ROLE_PERMISSIONS[role].includes(access as Permission)) continue;
        const response = await server.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: tokens.get(role),
        });
        expect(response.statusCode, `${role} ${route.method} ${route.url}`).toBe(403);
        expect(response.json().error.code).toBe('forbidden');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('lets a role with the permission through the access check', async () => {
    const viewer = tokens.get('viewer');
    const response = await server.app.inject({ url: '/api/v1/sources', headers: viewer });
    expect(response.statusCode).toBe(200);
  });
});
