import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

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
});
