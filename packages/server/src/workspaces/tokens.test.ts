import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

describe.each(ENGINES)('API tokens, members and bootstrap on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('lets the bootstrap owner token list the bootstrap source and its write key', async () => {
    const response = await server.app.inject({ url: '/api/v1/sources', headers: server.owner });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      data: [
        {
          id: server.sourceId,
          name: 'Default',
          writeKey: TEST_WRITE_KEY,
          publishableKey: expect.stringMatching(/^pk_/),
          kind: 'tracking',
          createdAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
  });

  it('shows a new token’s secret once, lists it without the secret, and revokes it', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: server.owner,
      payload: { name: 'CI', role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^tdm_/);
    expect(id).toMatch(/^tok_/);

    const list = await server.app.inject({ url: '/api/v1/tokens', headers: server.owner });
    const listed = list.json().data.find((t: { id: string }) => t.id === id);
    expect(listed).toMatchObject({ name: 'CI', role: 'viewer' });
    expect(listed.token).toBeUndefined();

    const withNew = { authorization: `Bearer ${token}` };
    expect((await server.app.inject({ url: '/api/v1/sources', headers: withNew })).statusCode).toBe(200);
    const revoked = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${id}`,
      headers: server.owner,
    });
    expect(revoked.statusCode).toBe(204);
    expect((await server.app.inject({ url: '/api/v1/sources', headers: withNew })).statusCode).toBe(401);
  });

  it('never lets a role grant a role above its own', async () => {
    const admin = await server.tokenFor('admin');
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin,
      payload: { name: 'escalate', role: 'owner' },
    });
    expect(response.statusCode).toBe(403);
  });

  it('invites a member who can then sign in', async () => {
    const invite = await server.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: server.owner,
      payload: { email: 'Rep@Example.com', password: 'a long password', role: 'sales' },
    });
    expect(invite.statusCode).toBe(201);
    expect(invite.json()).toMatchObject({ email: 'rep@example.com', role: 'sales' });
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'rep@example.com', password: 'a long password' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().role).toBe('sales');
  });

  it('pages lists with limit and cursor', async () => {
    for (const name of ['a', 'b', 'c']) {
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/sources',
        headers: server.owner,
        payload: { name },
      });
    }
    const first = await server.app.inject({ url: '/api/v1/sources?limit=2', headers: server.owner });
    expect(first.json().data).toHaveLength(2);
    const cursor = first.json().nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await server.app.inject({
      url: `/api/v1/sources?limit=2&cursor=${cursor}`,
      headers: server.owner,
    });
    expect(second.json().data.length).toBeGreaterThan(0);
    const bad = await server.app.inject({ url: '/api/v1/sources?limit=5000', headers: server.owner });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('querystring.limit');
  });
});
