import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  type TestServer,
} from '../testing/test-server.js';

function sessionCookie(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!header) throw new Error('no Set-Cookie header');
  return header.split(';')[0] ?? '';
}

describe.each(ENGINES)('UI sessions on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { TANDEM_LOGIN_RATE_LIMIT: '5' });
  });
  afterAll(() => server.close());

  async function login(email = TEST_ADMIN_EMAIL, password = TEST_ADMIN_PASSWORD) {
    return server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  }

  it('signs in with an httpOnly SameSite cookie and answers the session with a CSRF token', async () => {
    const response = await login();
    expect(response.statusCode).toBe(200);
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const body = response.json();
    expect(body.user.email).toBe(TEST_ADMIN_EMAIL);
    expect(body.role).toBe('owner');
    expect(body.workspace.id).toBe(server.workspaceId);
    expect(body.csrfToken).toEqual(expect.any(String));

    const cookie = sessionCookie(response.headers['set-cookie']);
    const session = await server.app.inject({ url: '/api/v1/auth/session', headers: { cookie } });
    expect(session.json().user.email).toBe(TEST_ADMIN_EMAIL);
    const sources = await server.app.inject({ url: '/api/v1/sources', headers: { cookie } });
    expect(sources.statusCode).toBe(200);
  });

  it('refuses a cookie-authenticated write without the CSRF header', async () => {
    const response = await login();
    const cookie = sessionCookie(response.headers['set-cookie']);
    const { csrfToken } = response.json();
    const forged = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sources',
      headers: { cookie },
      payload: { name: 'forged' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('csrf_failed');
    const genuine = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sources',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { name: 'genuine' },
    });
    expect(genuine.statusCode).toBe(201);
  });

  it('logs out: the cookie stops working', async () => {
    const response = await login();
    const cookie = sessionCookie(response.headers['set-cookie']);
    const out = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': response.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    const after = await server.app.inject({ url: '/api/v1/auth/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('switches the session to another workspace of the user', async () => {
    const response = await login();
    const cookie = sessionCookie(response.headers['set-cookie']);
    const headers = { cookie, 'x-csrf-token': response.json().csrfToken };
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers,
      payload: { name: 'Second' },
    });
    expect(created.statusCode).toBe(201);
    const switched = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/workspace',
      headers,
      payload: { workspaceId: created.json().id },
    });
    expect(switched.statusCode).toBe(200);
    expect(switched.json().workspace.name).toBe('Second');
    const sources = await server.app.inject({ url: '/api/v1/sources', headers: { cookie } });
    expect(sources.json().data).toEqual([]);
  });

  it('rejects a wrong password with 401 and rate limits repeated attempts with Retry-After', async () => {
    const wrong = await login('victim@example.com', 'wrong password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_credentials');
    let last = wrong;
    for (let attempt = 0; attempt < 6; attempt += 1)
      last = await login('victim@example.com', 'wrong password');
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.json().error.code).toBe('rate_limited');
  });

  it('names the invalid field in a validation error', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
    expect(response.json().error.message).toContain('body.password');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_json');
  });
});
