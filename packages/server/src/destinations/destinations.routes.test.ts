import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** A real receiver on 127.0.0.1 recording each request. */
async function receiver() {
  const hits: { headers: IncomingHttpHeaders; raw: string }[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (c) => {
      raw += c;
    });
    request.on('end', () => {
      hits.push({ headers: request.headers, raw });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { hits, url: `http://127.0.0.1:${port}/in`, close: () => new Promise((r) => server.close(r)) };
}

describe.each(ENGINES)('the destinations API on %s', (kind) => {
  let server: TestServer;
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      TANDEM_ALLOW_PRIVATE_DESTINATIONS: 'true',
      TANDEM_METRICS_TOKEN: 'metrics-token-0123456789',
    });
    hook = await receiver();
  });
  afterAll(async () => {
    await hook.close();
    await server.close();
  });
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload === undefined ? {} : { payload }) });

  it('creates, reads, updates and deletes a webhook destination without ever answering its secrets', async () => {
    const created = await call('POST', '/api/v1/destinations', {
      name: 'CRM hook',
      type: 'webhook',
      config: { url: hook.url, secret: 's3cr3t-value', headers: { authorization: 'Bearer hidden-token' } },
      purposes: ['marketing'],
      subscriptions: [{ kind: 'event', filter: { type: 'track', event: 'Order Completed' } }],
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      id: expect.stringMatching(/^dst_/),
      type: 'webhook',
      config: { url: hook.url, headers: { authorization: '***' } },
      secrets: expect.arrayContaining(['secret', 'headers']),
      purposes: ['marketing'],
      enabled: true,
      limits: { concurrency: 16 },
      deliveries: { pending: 0, failed: 0, dead: 0, delivered: 0, skipped: 0 },
    });
    const everything = JSON.stringify([
      body,
      (await call('GET', `/api/v1/destinations/${body.id}`)).json(),
      (await call('GET', '/api/v1/destinations')).json(),
    ]);
    expect(everything).not.toContain('s3cr3t-value');
    expect(everything).not.toContain('hidden-token');

    const patched = await call('PATCH', `/api/v1/destinations/${body.id}`, {
      name: 'Renamed',
      config: body.config,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().name).toBe('Renamed');

    // A test send carries the kept secret's signature and header.
    const tested = await call('POST', `/api/v1/destinations/${body.id}/test`, { send: true });
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ mappingError: null, sent: { ok: true, status: 204 } });
    const hit = hook.hits.at(-1);
    expect(hit?.headers.authorization).toBe('Bearer hidden-token');
    expect(hit?.headers['x-tandem-signature']).toBe(
      `sha256=${createHmac('sha256', 's3cr3t-value')
        .update(hit?.raw ?? '')
        .digest('hex')}`,
    );

    expect((await call('GET', `/api/v1/destinations/${body.id}/deliveries?status=dead`)).json()).toEqual({
      data: [],
      nextCursor: null,
    });
    expect((await call('POST', `/api/v1/destinations/${body.id}/replay`, {})).json()).toEqual({
      replayed: 0,
    });
    expect((await call('GET', `/api/v1/destinations/${body.id}/deliveries/dlv_nope`)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/destinations/${body.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/destinations/${body.id}`)).statusCode).toBe(404);
  });

  it('answers 400 naming the field for a bad configuration, subscription or mapping', async () => {
    const noUrl = await call('POST', '/api/v1/destinations', { name: 'x', type: 'webhook', config: {} });
    expect(noUrl.statusCode).toBe(400);
    expect(noUrl.json().error.message).toMatch(/config\.url/);
    const metadata = await call('POST', '/api/v1/destinations', {
      name: 'x',
      type: 'webhook',
      config: { url: 'http://169.254.169.254/latest/meta-data' },
    });
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json().error.message).toMatch(/config\.url.*link-local/);
    const badMapping = await call('POST', '/api/v1/destinations', {
      name: 'x',
      type: 'webhook',
      config: { url: hook.url },
      subscriptions: [{ kind: 'event', mapping: '{ "a": ' }],
    });
    expect(badMapping.statusCode).toBe(400);
    expect(badMapping.json().error.message).toMatch(/subscriptions\.0\.mapping/);
    const unknownAudience = await call('POST', '/api/v1/destinations', {
      name: 'x',
      type: 'webhook',
      config: { url: hook.url },
      subscriptions: [{ kind: 'audience', audienceId: 'aud_missing' }],
    });
    expect(unknownAudience.statusCode).toBe(400);
    expect(unknownAudience.json().error.message).toMatch(/subscriptions\.0\.audienceId/);
  });

  it('answers 422 naming the field for a consent purpose the workspace does not have', async () => {
    const typo = await call('POST', '/api/v1/destinations', {
      name: 'x',
      type: 'webhook',
      config: { url: hook.url },
      purposes: ['marketing', 'marketting'],
    });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().error).toMatchObject({
      code: 'unprocessable',
      message: expect.stringMatching(/purposes\.1/),
      details: [{ path: 'purposes.1', message: 'no consent purpose "marketting"' }],
    });
    // A malformed definition is still a 400, whatever its purposes.
    const malformed = await call('POST', '/api/v1/destinations', {
      name: 'x',
      type: 'webhook',
      config: {},
      purposes: ['marketting'],
    });
    expect(malformed.statusCode).toBe(400);

    const created = await call('POST', '/api/v1/destinations', {
      name: 'Consenting',
      type: 'webhook',
      config: { url: hook.url },
      purposes: ['marketing'],
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const patched = await call('PATCH', `/api/v1/destinations/${id}`, { purposes: ['analytics', 'ads'] });
    expect(patched.statusCode).toBe(422);
    expect(patched.json().error.details).toEqual([
      { path: 'purposes.1', message: 'no consent purpose "ads"' },
    ]);
    expect((await call('GET', `/api/v1/destinations/${id}`)).json().purposes).toEqual(['marketing']);
    const fixed = await call('PATCH', `/api/v1/destinations/${id}`, { purposes: ['analytics'] });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json().purposes).toEqual(['analytics']);
    await call('DELETE', `/api/v1/destinations/${id}`);
  });

  it('tests an audience-file destination by checking its folder, writing no file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tandem-test-files-'));
    try {
      const created = await call('POST', '/api/v1/destinations', {
        name: 'Files',
        type: 'audience-file',
        config: { format: 'csv', directory: join(folder, 'exports') },
      });
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      const tested = await call('POST', `/api/v1/destinations/${id}/test`, { send: true });
      expect(tested.statusCode).toBe(200);
      expect(tested.json().sent).toMatchObject({
        ok: true,
        error: null,
        checked: expect.stringMatching(/exports can be written in; no file was written/),
      });
      expect((await call('GET', `/api/v1/destinations/${id}/files`)).json().data).toEqual([]);
      expect(await readdir(folder)).toEqual([]);

      // A folder under a file cannot be: the check says so.
      await writeFile(join(folder, 'a-file'), '');
      await call('PATCH', `/api/v1/destinations/${id}`, {
        config: { format: 'csv', directory: join(folder, 'a-file', 'exports') },
      });
      const refused = await call('POST', `/api/v1/destinations/${id}/test`, { send: true });
      expect(refused.json().sent).toMatchObject({
        ok: false,
        error: expect.stringMatching(/a-file is not a folder/),
      });
      await call('DELETE', `/api/v1/destinations/${id}`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('writes the full file of an audience a PATCH subscribes an audience-file destination to', async () => {
    const audience = await call('POST', '/api/v1/audiences', {
      name: 'Everyone on pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    expect(audience.statusCode).toBe(201);
    const created = await call('POST', '/api/v1/destinations', {
      name: 'List',
      type: 'audience-file',
      config: { format: 'ndjson' },
    });
    const id = created.json().id;
    const fullFiles = async () =>
      (await call('GET', `/api/v1/destinations/${id}/files?kind=full`)).json().data as {
        audience: { id: string };
      }[];
    // A change that subscribes to no new audience syncs nothing.
    expect((await call('PATCH', `/api/v1/destinations/${id}`, { name: 'The list' })).statusCode).toBe(200);
    const subscribed = await call('PATCH', `/api/v1/destinations/${id}`, {
      subscriptions: [{ kind: 'audience', audienceId: audience.json().id }],
    });
    expect(subscribed.statusCode).toBe(200);
    await expect.poll(fullFiles, { timeout: 10_000 }).toHaveLength(1);
    expect((await fullFiles())[0]?.audience.id).toBe(audience.json().id);
    // The same audience again is no new subscription: no second file.
    await call('PATCH', `/api/v1/destinations/${id}`, {
      subscriptions: [{ kind: 'audience', audienceId: audience.json().id, on: ['entered'] }],
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await fullFiles()).toHaveLength(1);
    await call('DELETE', `/api/v1/destinations/${id}`);
  });

  it('exposes delivery metrics', async () => {
    const metrics = await server.app.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('tandem_delivery_latency_seconds');
    expect(metrics.body).toContain('tandem_delivery_backlog');
    expect(metrics.body).toContain('tandem_pipeline_lag_events{stage="delivery"}');
  });

  it('tries a mapping on a sample', async () => {
    const answer = await call('POST', '/api/v1/destinations/mapping-test', {
      mapping:
        '{"name": event.event, "email": profile.traits.email, "total": event.payload.properties.total}',
      sample: { type: 'track', event: 'Order Completed', properties: { total: 42 } },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().mapped).toEqual({ name: 'Order Completed', email: 'ada@example.com', total: 42 });
    const slow = await call('POST', '/api/v1/destinations/mapping-test', {
      mapping: '($f := function($n){ $n <= 1 ? 1 : $f($n-1) + $f($n-2) }; {"x": $f(40)})',
    });
    expect(slow.json()).toMatchObject({ mapped: null, mappingError: expect.stringMatching(/longer than/) });
  });
});
