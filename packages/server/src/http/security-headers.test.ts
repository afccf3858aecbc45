import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_WRITE_KEY,
  type TestServer,
} from '../testing/test-server.js';

describe('security headers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { TANDEM_TRUST_PROXY: 'true' });
  });
  afterAll(() => server.close());

  const login = (headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers,
      payload: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
    });

  it('forbid inline scripts and framing, sniffing and referrers on the UI and the API', async () => {
    for (const url of ['/', '/people/deep-link', '/api/v1/sources', '/api/docs/static/index.html']) {
      const response = await server.app.inject({ url, headers: server.owner });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('add HSTS and a Secure session cookie only on requests that came over HTTPS', async () => {
    const plain = await login();
    expect(plain.statusCode).toBe(200);
    expect(String(plain.headers['set-cookie'])).not.toContain('Secure');
    const overHttps = await login({ 'x-forwarded-proto': 'https' });
    expect(overHttps.statusCode).toBe(200);
    expect(String(overHttps.headers['set-cookie'])).toContain('Secure');
    expect(overHttps.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('keep the Tracking API callable and readable from any site', async () => {
    const origin = 'https://shop.example';
    const preflight = await server.app.inject({
      method: 'OPTIONS',
      url: '/v1/track',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    const track = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: {
        origin,
        authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      payload: { userId: 'u1', event: 'Cross Site' },
    });
    expect(track.statusCode).toBe(200);
    expect(track.headers['access-control-allow-origin']).toBe(origin);
    expect(track.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });
});
