import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

// PostgreSQL refuses NUL in text: a name holding `\u0000` was a 500 there and stored on SQLite.
describe.each(ENGINES)('text in requests to the management API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const post = (url: string, payload: string) =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { ...server.owner, 'content-type': 'application/json' },
      payload,
    });

  it('stores text with NUL removed and lone surrogates replaced, the same on both engines', async () => {
    const rule = '{"trait":"plan","op":"eq","value":"pro\\u0000"}';
    const audience = await post('/api/v1/audiences', `{"name":"VIP \\u0000list \\ud800","rule":${rule}}`);
    expect(audience.statusCode).toBe(201);
    expect(audience.json()).toMatchObject({
      name: 'VIP list \ufffd',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    const read = await server.app.inject({
      url: `/api/v1/audiences/${audience.json().id}`,
      headers: server.owner,
    });
    expect(read.json().name).toBe('VIP list \ufffd');

    const purpose = await post('/api/v1/consent/purposes', '{"key":"surveys","label":"Sur\\u0000veys"}');
    expect(purpose.statusCode).toBe(201);
    expect(purpose.json().label).toBe('Surveys');
    const template = await post(
      '/api/v1/email/templates',
      '{"name":"Wel\\u0000come","subject":"Hi","mjml":"<mjml><mj-body></mj-body></mjml>"}',
    );
    expect(template.statusCode).toBe(201);
    expect(template.json().name).toBe('Welcome');
  });

  it('answers a NUL in a path or a query as it answers any other miss', async () => {
    const get = (url: string) => server.app.inject({ url, headers: server.owner });
    expect((await get('/api/v1/audiences/aud%00x')).statusCode).toBe(404);
    expect((await get('/api/v1/journeys/jrn%00x')).statusCode).toBe(404);
    const search = await get('/api/v1/people?q=a%00b');
    expect(search.statusCode).toBe(200);
    expect(search.json().data).toEqual([]);
    expect((await get('/api/v1/audiences?cursor=a%00b')).statusCode).toBeLessThan(500);
  });

  it('takes an empty body sent as JSON for no body, as curl sends a DELETE', async () => {
    const created = await post(
      '/api/v1/audiences',
      '{"name":"Short-lived","rule":{"trait":"plan","op":"exists"}}',
    );
    const remove = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/audiences/${created.json().id}`,
      headers: { ...server.owner, 'content-type': 'application/json' },
    });
    expect(remove.statusCode).toBe(204);
    // A route that needs a body says so.
    const empty = await post('/api/v1/audiences', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('validation_failed');
  });

  it('still refuses invalid JSON and prototype poisoning as bad requests', async () => {
    const broken = await post('/api/v1/audiences', '{"name":');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_json');
    const poisoned = await post('/api/v1/audiences', '{"name":"x","__proto__":{"admin":true}}');
    expect(poisoned.statusCode).toBe(400);
  });
});
