import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsListener } from '../http/metrics-listener.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const metricsAuth = { authorization: `Bearer ${METRICS_TOKEN}` };

describe.each(ENGINES)('operations endpoints on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { TANDEM_METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(() => server.close());

  it('answers liveness and readiness', async () => {
    expect((await server.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await server.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });

  it('exposes request counts and latencies to Prometheus', async () => {
    await server.app.inject({ url: '/healthz' });
    const metrics = await server.app.inject({ url: '/metrics', headers: metricsAuth });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(
      /tandem_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(metrics.body).toContain('tandem_http_request_duration_seconds_bucket');
  });

  it('refuses /metrics without the metrics token, or with another credential', async () => {
    for (const headers of [{}, server.owner, { authorization: 'Bearer wrong-token-0123456789' }]) {
      const response = await server.app.inject({ url: '/metrics', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.message).toContain('TANDEM_METRICS_TOKEN');
    }
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

describe('/metrics without a metrics setting', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.close());

  it('is closed on the main port, naming the settings that open it', async () => {
    for (const headers of [{}, server.owner]) {
      const response = await server.app.inject({ url: '/metrics', headers });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.message).toMatch(/TANDEM_METRICS_TOKEN.*TANDEM_METRICS_LISTEN/);
      expect(response.body).not.toContain('tandem_http_requests_total');
    }
  });

  it('is served, and only it, by a listener of its own', async () => {
    const listener = await startMetricsListener(server.app.metrics, '127.0.0.1:0');
    try {
      const metrics = await fetch(listener.url);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('tandem_process_resident_memory_bytes');
      const other = await fetch(listener.url.replace('/metrics', '/api/v1/sources'));
      expect(other.status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});
