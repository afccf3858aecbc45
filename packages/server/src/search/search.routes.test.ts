import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the search API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: {
        batch: [
          { type: 'identify', userId: 'john', traits: { name: 'John Carter', email: 'john@mars.test' } },
          { type: 'identify', userId: 'joan', traits: { name: 'Joan Baez', email: 'joan@folk.test' } },
          {
            type: 'group',
            userId: 'john',
            groupId: 'barsoom',
            traits: { name: 'Barsoom Inc', domain: 'barsoom.test' },
          },
        ],
      },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
  });
  afterAll(() => server.close());
  const search = (query: string, headers = server.owner) =>
    server.app.inject({ url: `/api/v1/search?${query}`, headers });

  it('finds "John" from the typo "jonh", a person first, linked by id', async () => {
    const response = await search('q=jonh');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.data[0]).toMatchObject({
      type: 'people',
      title: 'John Carter',
      subtitle: 'john@mars.test',
      typos: 1,
    });
    const john = await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'john');
    expect(body.data[0].id).toBe(john.id);
    expect(body.unsupported).toEqual([]);
  });

  it('searches only the types asked for, at most `limit` of each', async () => {
    const companies = (await search('q=bars&types=companies')).json();
    expect(companies.data).toMatchObject([
      { type: 'companies', title: 'Barsoom Inc', subtitle: 'barsoom.test' },
    ]);
    const people = (await search('q=jo&types=people&limit=1')).json();
    expect(people.data).toHaveLength(1);
    expect(people.unsupported).toEqual([]);
  });

  it('refuses a missing query, an unknown type or a limit out of range, naming the field', async () => {
    for (const [query, field] of [
      ['q=', 'q'],
      ['types=people', 'q'],
      ['q=jo&types=people,invoices', 'types'],
      ['q=jo&limit=500', 'limit'],
    ] as const) {
      const response = await search(query);
      expect(response.statusCode, query).toBe(400);
      expect(JSON.stringify(response.json().error), query).toContain(field);
    }
  });

  it('answers a viewer, and nobody without a token', async () => {
    // A viewer lacks pii:read: a person's name comes masked (pii/).
    expect((await search('q=joan', await server.tokenFor('viewer'))).json().data[0].title).toBe('•••');
    expect((await search('q=joan', await server.tokenFor('support'))).json().data[0].title).toBe('Joan Baez');
    expect((await search('q=joan', {})).statusCode).toBe(401);
  });

  it('finds a deal by its name, with a typo', async () => {
    const pipeline = await server.app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: server.owner,
      payload: { name: 'Sales', stages: [{ name: 'Lead', probability: 10 }] },
    });
    const deal = await server.app.inject({
      method: 'POST',
      url: '/api/v1/deals',
      headers: server.owner,
      payload: { name: 'Big renewal', amount: 5000, currency: 'EUR', pipelineId: pipeline.json().id },
    });
    expect(deal.statusCode).toBe(201);
    const found = (await search('q=big%20renwal&types=deals')).json();
    expect(found.data[0]).toMatchObject({
      type: 'deals',
      id: deal.json().id,
      title: 'Big renewal',
      typos: 1,
    });
  });
});
