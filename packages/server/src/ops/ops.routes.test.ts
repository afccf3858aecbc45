import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

describe.each(ENGINES)('operations endpoints on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('answers liveness and readiness', async () => {
    expect((await server.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await server.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });

  it('exposes request counts and latencies to Prometheus', async () => {
    await server.app.inject({ url: '/healthz' });
    const metrics = await server.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(
      /tandem_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(metrics.body).toContain('tandem_http_request_duration_seconds_bucket');
  });

  it('serves an OpenAPI document describing the admin API and a docs UI', async () => {
    const openapi = await server.app.inject({ url: '/api/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    const document = openapi.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/sources', '/api/v1/tokens', '/api/v1/workspaces', '/healthz']),
    );
    const docs = await server.app.inject({ url: '/api/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('tags every response with a request id, honouring the caller’s', async () => {
    const response = await server.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers['x-request-id']).toBe('abc-123');
  });

  it('answers unknown API routes with the contract error shape', async () => {
    const response = await server.app.inject({ url: '/api/v1/nope', headers: server.owner });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('turns readiness to 503 when storage is gone', async () => {
    const other = await startTestServer(kind);
    await other.engine.close();
    const response = await other.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('not_ready');
    await other.app.close();
    await other.engine.dispose().catch(() => {});
  });
});
