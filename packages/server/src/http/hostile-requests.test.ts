import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

// Every route of the API, called as its owner with hostile path parameters, query strings and
// bodies, answers in time with a status that is not a server error: a NUL in a path once made
// PostgreSQL fail where SQLite answered 404.
const PARAMS = ['x%00y', 'a'.repeat(3000), '%E0%A4%A', '1e309'];
const QUERIES = [
  'limit=-1&cursor=%00',
  'limit=99999999999999&cursor=garbage',
  'since=not-a-date&until=-1&from=2026-13-45&to=0',
  `q=%00${'z'.repeat(3000)}&status=%00&type=%00&event=%00`,
  'profileId=%00&audienceId=%00&days=1e309&window=-1',
];
let nested = '1';
for (let i = 0; i < 3000; i++) nested = `[${nested}]`;
const BODIES = [
  '[]',
  'null',
  `{"a":${nested}}`,
  JSON.stringify({ name: 'x'.repeat(200_000) }),
  JSON.stringify({
    name: 'n\u0000',
    id: '%00',
    limit: -1,
    rule: { trait: 'a', op: 'zz', value: 1 },
    at: 'x',
  }),
];
const ANSWER_WITHIN_MS = 5000;

describe.each(ENGINES)('hostile requests to every API route on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('answers each with a client error or success, never a server error', async () => {
    const routes = (server.app as unknown as { routeTable: { method: string; url: string }[] }).routeTable;
    const failures: string[] = [];
    let calls = 0;
    for (const { method, url } of routes) {
      // Streams stay open by design; the metrics and docs pages take no input.
      if (method === 'HEAD' || method === 'OPTIONS' || /stream|live|metrics|docs|\*/.test(url)) continue;
      const params = url.includes(':') ? PARAMS : [''];
      for (const param of params) {
        const path = url.replace(/:[A-Za-z]+/g, param);
        const reads = method === 'GET' || method === 'DELETE';
        for (const variant of reads ? QUERIES : BODIES) {
          const started = performance.now();
          const response = await server.app.inject({
            method: method as 'GET',
            url: reads ? `${path}?${variant}` : path,
            headers: { ...server.owner, ...(reads ? {} : { 'content-type': 'application/json' }) },
            ...(reads ? {} : { payload: variant }),
          });
          calls += 1;
          const ms = performance.now() - started;
          if (response.statusCode >= 500 || ms > ANSWER_WITHIN_MS)
            failures.push(
              `${response.statusCode} in ${Math.round(ms)} ms: ${method} ${url} (${param.slice(0, 12)}) ${variant.slice(0, 40)}: ${response.body.slice(0, 120)}`,
            );
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  }, 600_000);

  it('answers odd queries and bodies on the things a workspace holds, never a server error', async () => {
    await someOfEverything(server);
    const routes = (server.app as unknown as { routeTable: { method: string; url: string }[] }).routeTable;
    const ids = new Map<string, string | undefined>();
    /** The first item the path lists (its id, profile id or key). */
    const firstIdAt = async (path: string) => {
      if (!ids.has(path)) {
        const listed = await server.app.inject({ url: path, headers: server.owner });
        const body = listed.statusCode === 200 ? listed.json() : undefined;
        const first = Array.isArray(body) ? body[0] : (body?.data ?? [])[0];
        ids.set(path, first?.id ?? first?.profileId ?? first?.key);
      }
      return ids.get(path);
    };
    const failures: string[] = [];
    let reached = 0;
    for (const { method, url } of routes) {
      // Deletes would take the things away from the routes after them; streams stay open.
      if (
        !url.startsWith('/api/v1/') ||
        !url.includes(':') ||
        !['GET', 'POST', 'PATCH', 'PUT'].includes(method) ||
        /stream|live|\*/.test(url)
      )
        continue;
      let path = '';
      for (const part of url.split('/').slice(1)) {
        const id = part.startsWith(':') ? await firstIdAt(path) : part;
        if (id === undefined) break;
        path += `/${encodeURIComponent(id)}`;
      }
      if (path.split('/').length !== url.split('/').length) continue;
      reached += 1;
      const reads = method === 'GET';
      for (const variant of reads ? THING_QUERIES : THING_BODIES) {
        const response = await server.app.inject({
          method: method as 'GET',
          url: reads ? `${path}?${variant}` : path,
          headers: { ...server.owner, ...(reads ? {} : { 'content-type': 'application/json' }) },
          ...(reads ? {} : { payload: variant }),
        });
        if (response.statusCode >= 500)
          failures.push(
            `${response.statusCode}: ${method} ${url} ${variant}: ${response.body.slice(0, 120)}`,
          );
      }
    }
    expect(reached).toBeGreaterThan(60);
    expect(failures).toEqual([]);
  }, 600_000);
});

const THING_QUERIES = [
  'limit=1&cursor=zzz',
  'from=2026-01-01&to=2025-01-01&since=x',
  'q=%25_%5C&status=dead&days=0',
  'range=30d&interval=hour&limit=1000',
];
const THING_BODIES = ['{}', '{"name":""}', '{"limit":-1,"name":"x","ids":[],"profileIds":[],"status":"x"}'];

/** A person with events, a company, and one of each thing the API names by id. */
async function someOfEverything(server: TestServer): Promise<void> {
  const post = (url: string, body: unknown) =>
    server.app
      .inject({ method: 'POST', url, headers: server.owner, payload: body as Record<string, unknown> })
      .then((response) => response.json());
  await server.app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` },
    payload: {
      batch: [
        { type: 'identify', userId: 'u1', traits: { email: 'u1@example.com', plan: 'pro' } },
        { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 5 } },
        { type: 'group', userId: 'u1', groupId: 'g1', traits: { name: 'Acme' } },
      ],
    },
  });
  await server.engine.pipeline.catchUp();
  await post('/api/v1/computed-traits', { name: 'orders', kind: 'count', event: 'Order Completed' });
  const audience = await post('/api/v1/audiences', {
    name: 'Pro',
    rule: { trait: 'plan', op: 'eq', value: 'pro' },
  });
  await post('/api/v1/destinations', {
    name: 'Hook',
    type: 'webhook',
    config: { url: 'https://example.com/hook' },
    subscriptions: [{ kind: 'audience', audienceId: audience.id, on: ['entered'] }],
  });
  const template = await post('/api/v1/email/templates', {
    name: 'Welcome',
    subject: 'Hello',
    mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
  });
  await post('/api/v1/journeys', {
    name: 'Onboarding',
    entry: { kind: 'event', event: 'Signed Up' },
    steps: [
      {
        id: 'who',
        kind: 'split',
        condition: { trait: 'plan', op: 'eq', value: 'pro' },
        next: { yes: 'mail', no: null },
      },
      { id: 'mail', kind: 'send_email', templateId: template.id, next: null },
    ],
  });
  await post('/api/v1/lists', { name: 'VIPs' });
  await post('/api/v1/sequences', { name: 'Follow-up', steps: [{ kind: 'email', templateId: template.id }] });
  await post('/api/v1/broadcasts', {
    templateId: template.id,
    audienceId: audience.id,
    sendAt: '2030-01-01T00:00:00Z',
  });
  const pipeline = await post('/api/v1/pipelines', {
    name: 'Sales',
    stages: [{ name: 'Lead', probability: 0.5 }],
  });
  const person = await post('/api/v1/people', { email: 'p@example.com' });
  await post('/api/v1/deals', {
    name: 'Big',
    amount: 1,
    currency: 'EUR',
    pipelineId: pipeline.id,
    stageId: pipeline.stages[0].id,
    profileIds: [person.profileId],
  });
  await post('/api/v1/tasks', { title: 'Call', dueAt: '2030-01-01T00:00:00Z', profileId: person.profileId });
  await post('/api/v1/tickets', {
    subject: 'Help',
    profileId: person.profileId,
    priority: 'high',
    body: 'help',
  });
  await post('/api/v1/teams', { name: 'Support' });
  await post('/api/v1/email/topics', { name: 'News' });
}
