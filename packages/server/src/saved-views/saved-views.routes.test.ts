import { ENGINES } from '@tandem/engine/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };
type Headers = Record<string, string>;

describe.each(ENGINES)('the saved views API on %s', (kind) => {
  let server: TestServer;
  let ann: Headers;
  let bob: Headers;
  let admin: Headers;
  beforeAll(async () => {
    server = await startTestServer(kind);
    [ann, bob, admin] = await Promise.all([
      server.tokenFor('sales'),
      server.tokenFor('sales'),
      server.tokenFor('admin'),
    ]);
    const people = [
      { userId: 'p1', traits: { name: 'Ada Lovelace', email: 'ada@example.com', stage: 'lead', score: 80 } },
      {
        userId: 'p2',
        traits: { name: 'Grace Hopper', email: 'grace@example.com', stage: 'customer', score: 95 },
      },
      {
        userId: 'p3',
        traits: { name: '=HYPERLINK("evil")', email: 'mallory@example.com', stage: 'lead', score: 10 },
      },
      { userId: 'p4', traits: { name: 'Alan, "the" Turing', stage: 'lead', score: 60 } },
    ];
    const sent = await server.app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: writeKey,
      payload: { batch: people.map((person) => ({ type: 'identify', ...person })) },
    });
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
  });
  afterAll(() => server.close());
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: Headers,
    payload?: unknown,
  ) => server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('creates, lists, updates and deletes a view; others see it only when shared', async () => {
    const created = await call('POST', '/api/v1/views', ann, {
      name: 'Hot leads',
      entity: 'people',
      filters: [{ field: 'stage', operator: 'equals', value: 'lead' }],
      sort: [{ field: 'score', direction: 'desc' }],
      columns: ['name', 'email', 'score'],
    });
    expect(created.statusCode).toBe(201);
    const view = created.json();
    expect(view).toMatchObject({
      name: 'Hot leads',
      shared: false,
      editable: true,
      id: expect.stringMatching(/^view_/),
    });

    expect((await call('GET', '/api/v1/views?entity=people', bob)).json().data).toEqual([]);
    expect((await call('GET', `/api/v1/views/${view.id}`, bob)).statusCode).toBe(404);

    const shared = await call('PATCH', `/api/v1/views/${view.id}`, ann, { shared: true });
    expect(shared.json()).toMatchObject({ shared: true, columns: ['name', 'email', 'score'] });
    expect((await call('GET', '/api/v1/views?entity=people', bob)).json().data).toMatchObject([
      { id: view.id, editable: false },
    ]);
    const refused = await call('PATCH', `/api/v1/views/${view.id}`, bob, { name: 'Mine now' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('Hot leads');
    expect((await call('DELETE', `/api/v1/views/${view.id}`, bob)).statusCode).toBe(403);
    expect(
      (await call('PATCH', `/api/v1/views/${view.id}`, admin, { name: 'Hot leads (team)' })).statusCode,
    ).toBe(200);

    expect((await call('DELETE', `/api/v1/views/${view.id}`, ann)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/views/${view.id}`, ann)).statusCode).toBe(404);
  });

  it('refuses a view without a name, of an unknown list, or with a filter missing its number', async () => {
    for (const [payload, field] of [
      [{ name: ' ', entity: 'people' }, 'name'],
      [{ name: 'X', entity: 'invoices' }, 'entity'],
      [
        {
          name: 'X',
          entity: 'people',
          filters: [{ field: 'score', operator: 'greater_than', value: 'high' }],
        },
        'filters.0.value',
      ],
      [{ name: 'X', entity: 'people', filters: [{ field: 'stage', operator: 'equals' }] }, 'filters.0.value'],
    ] as const) {
      const response = await call('POST', '/api/v1/views', ann, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(JSON.stringify(response.json().error)).toContain(field);
    }
  });

  it('streams a people view as CSV: its filters, its columns, formulas neutralized', async () => {
    const view = (
      await call('POST', '/api/v1/views', ann, {
        name: 'Leads for export',
        entity: 'people',
        filters: [
          { field: 'stage', operator: 'equals', value: 'Lead' },
          { field: 'score', operator: 'greater_than', value: 5 },
        ],
        columns: ['name', 'email', 'score'],
      })
    ).json();
    const response = await call('GET', `/api/v1/people/export.csv?view=${view.id}`, ann);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain('attachment');
    const rows: string[][] = parse(response.body);
    expect(rows[0]).toEqual(['name', 'email', 'score']);
    expect(rows.slice(1).sort()).toEqual(
      [
        ['Ada Lovelace', 'ada@example.com', '80'],
        ['\'=HYPERLINK("evil")', 'mallory@example.com', '10'],
        ['Alan, "the" Turing', '', '60'],
      ].sort(),
    );

    const everyone: string[][] = parse((await call('GET', '/api/v1/people/export.csv', ann)).body);
    expect(everyone[0]).toEqual(['id', 'name', 'email', 'created_at', 'updated_at']);
    expect(everyone).toHaveLength(5);

    expect((await call('GET', `/api/v1/people/export.csv?view=${view.id}`, bob)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/people/export.csv?view=view_missing', ann)).statusCode).toBe(404);
  });

  it('refuses to export a view of another list as people', async () => {
    const companies = (
      await call('POST', '/api/v1/views', ann, { name: 'Big accounts', entity: 'companies' })
    ).json();
    const response = await call('GET', `/api/v1/people/export.csv?view=${companies.id}`, ann);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('companies');
  });
});
