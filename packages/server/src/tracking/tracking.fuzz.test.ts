import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const auth = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
const PATHS = [
  '/v1/identify',
  '/v1/track',
  '/v1/page',
  '/v1/screen',
  '/v1/group',
  '/v1/alias',
  '/v1/batch',
  '/v1/import',
];

const validCall = fc.record({
  type: fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias'),
  userId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
  anonymousId: fc.option(fc.string()),
  event: fc.option(fc.string()),
  messageId: fc.option(fc.string()),
  timestamp: fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.string(),
  ),
  sentAt: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
  properties: fc.option(fc.dictionary(fc.string(), fc.jsonValue())),
  traits: fc.option(fc.jsonValue()),
  context: fc.option(
    fc.oneof(fc.jsonValue(), fc.record({ page: fc.record({ url: fc.webUrl(), search: fc.string() }) })),
  ),
  groupId: fc.option(fc.oneof(fc.string(), fc.integer())),
  previousId: fc.option(fc.string()),
});

/** A payload: random JSON, a valid-looking call with random fields, or a batch of them. */
const payload = fc.oneof(
  fc.jsonValue(),
  validCall,
  fc.record({
    batch: fc.array(fc.oneof(validCall, fc.jsonValue()), { maxLength: 20 }),
    sentAt: fc.jsonValue(),
  }),
);

describe('fuzzing the Tracking API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.close());

  it('never answers 5xx to random or mutated JSON payloads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), payload, async (url, body) => {
        const response = await server.app.inject({
          method: 'POST',
          url,
          headers: { ...auth, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(response.statusCode).toBeLessThan(500);
        expect(response.json()).toBeTypeOf('object');
      }),
      { numRuns: 400 },
    );
  });

  it('never answers 5xx to random bytes, content types and encodings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        fc.uint8Array({ maxLength: 2000 }),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'multipart/form-data'),
        fc.constantFrom(undefined, 'gzip', 'deflate', 'br'),
        async (url, bytes, contentType, encoding) => {
          const response = await server.app.inject({
            method: 'POST',
            url,
            headers: {
              ...auth,
              'content-type': contentType,
              ...(encoding ? { 'content-encoding': encoding } : {}),
            },
            payload: Buffer.from(bytes),
          });
          expect(response.statusCode).toBeLessThan(500);
          expect(response.json().error).toBeDefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers bodies nested thousands of levels deep on every path, keeping the rest of a batch', async () => {
    // Under vitest every body is prepared on the event loop, as with TANDEM_INGEST_THREADS=0.
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    for (const depth of [2500, 6000, 80_000]) {
      // A `\u` escape sends the body through the parser's reviver, which recurses.
      for (const unicodeEscape of ['', '\\u0041']) {
        const call = `{"type":"track","userId":"u${unicodeEscape}","groupId":"g","previousId":"p","event":"Deep","traits":${deep(depth)}}`;
        for (const url of PATHS) {
          const batch = url === '/v1/batch' || url === '/v1/import';
          const response = await server.app.inject({
            method: 'POST',
            url,
            headers: { ...auth, 'content-type': 'application/json' },
            payload: batch ? `{"batch":[{"type":"track","userId":"u","event":"Kept"},${call}]}` : call,
          });
          expect(response.statusCode, `${url} ${depth} ${unicodeEscape}`).toBeGreaterThanOrEqual(200);
          expect(response.statusCode, `${url} ${depth} ${unicodeEscape}`).toBeLessThan(500);
          const body = response.json();
          if (batch && depth === 80_000 && unicodeEscape) {
            expect(body.error.message).toBe('body nests objects and arrays too deeply to be read');
          } else if (response.statusCode === 200) expect(body.rejected).toMatchObject([{ index: 1 }]);
          else expect(body.error.message).toMatch(/deep|levels|exceeds the limit/);
        }
      }
    }
    const events = await server.app.inject({
      url: `/api/v1/sources/${server.sourceId}/events?limit=100`,
      headers: server.owner,
    });
    expect(events.json().data.filter((e: { event: string }) => e.event === 'Kept').length).toBeGreaterThan(0);
  });

  it('keeps serving after the fuzzing', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: auth,
      payload: { userId: 'after-fuzz', event: 'Still Alive' },
    });
    expect(response.statusCode).toBe(200);
  });
});
