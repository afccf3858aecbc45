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
