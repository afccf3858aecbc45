import { ENGINES } from '@tandem/engine/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Headers = Record<string, string>;
type Method = 'GET' | 'POST';

// The lists' server-side sort (people, companies, deals) and the CSV export of a view of each.
describe.each(ENGINES)('sorted lists and view exports on %s', (kind) => {
  let server: TestServer;
  let sales: Headers;
  let pipeline: { id: string; stages: { id: string; name: string }[] };
  beforeAll(async () => {
    server = await startTestServer(kind);
    sales = await server.tokenFor('sales');
    const people = [
      { name: 'Carol Danvers', email: 'carol@example.com', lifecycleStage: 'lead', tags: ['vip'] },
      { name: 'alice Liddell', email: 'alice@example.com', lifecycleStage: 'customer' },
      { name: 'Bob Marley', email: 'bob@example.com', lifecycleStage: 'lead' },
      { name: 'Dave Grohl', email: 'dave@example.com', lifecycleStage: 'lead', tags: ['vip'] },
      { email: 'nameless@example.com', lifecycleStage: 'lead' },
    ];
    for (const person of people) {
      expect((await call('POST', '/api/v1/people', person)).statusCode).toBe(201);
    }
    for (const [name, domain] of [
      ['Umbrella', 'umbrella.com'],
      ['acme', 'acme.test'],
      ['Initech', 'initech.com'],
      ['Globex', 'globex.com'],
      ['Acme Rockets', 'rockets.test'],
    ]) {
      expect((await call('POST', '/api/v1/companies', { name, domain })).statusCode).toBe(201);
    }
    const created = await call('POST', '/api/v1/pipelines', {
      name: 'Sales',
      stages: [
        { name: 'Lead', probability: 10 },
        { name: 'Proposal', probability: 50 },
      ],
    });
    expect(created.statusCode).toBe(201);
    pipeline = created.json();
    const deals = [
      { name: 'Small', amount: 100, closeDate: '2026-03-01' },
      { name: 'Huge', amount: 90000, closeDate: null },
      { name: 'Medium', amount: 5000, closeDate: '2026-01-15' },
      { name: 'Large', amount: 20000, closeDate: '2026-02-01', stageId: pipeline.stages[1]?.id },
    ];
    for (const deal of deals) {
      const response = await call('POST', '/api/v1/deals', {
        currency: 'EUR',
        pipelineId: pipeline.id,
        ...deal,
      });
      expect(response.statusCode).toBe(201);
    }
  });
  afterAll(() => server.close());
  const call = (method: Method, url: string, payload?: unknown, headers: Headers = sales) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  /** Every item of a list, a page of `limit` at a time, following its cursor. */
  async function all<T>(url: string, limit = 2): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const separator = url.includes('?') ? '&' : '?';
      const response = await call(
        'GET',
        `${url}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as { data: T[]; nextCursor: string | null };
      items.push(...page.data);
      cursor = page.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error('the cursor never ended');
  }
  const csv = async (url: string) => {
    const response = await call('GET', url);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    return parse(response.body) as string[][];
  };
  const newView = async (view: Record<string, unknown>) => {
    const response = await call('POST', '/api/v1/views', view);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string };
  };

  it('sorts people by name (without regard to case), both ways, across pages, with filters', async () => {
    type Person = { name: string | null; email: string | null };
    const names = (people: Person[]) => people.map((p) => p.name ?? p.email);
    expect(names(await all<Person>('/api/v1/people?sort=name'))).toEqual([
      'nameless@example.com',
      'alice Liddell',
      'Bob Marley',
      'Carol Danvers',
      'Dave Grohl',
    ]);
    expect(names(await all<Person>('/api/v1/people?sort=-name', 3))).toEqual([
      'Dave Grohl',
      'Carol Danvers',
      'Bob Marley',
      'alice Liddell',
      'nameless@example.com',
    ]);
    expect(names(await all<Person>('/api/v1/people?sort=-name&lifecycleStage=lead&tag=vip', 1))).toEqual([
      'Dave Grohl',
      'Carol Danvers',
    ]);
    expect(names(await all<Person>('/api/v1/people?sort=name&q=bo'))).toEqual(['Bob Marley']);
    const created = await all<Person & { profileId: string }>('/api/v1/people?sort=-created_at');
    expect(names(created)[0]).toBe('nameless@example.com');

    const bad = await call('GET', '/api/v1/people?sort=shoe_size');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('sort');
    const badCursor = await call('GET', '/api/v1/people?sort=name&cursor=nonsense');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.message).toContain('cursor');
  });

  it('exports a people view in its sort with its columns, CRM ones included', async () => {
    const view = await newView({
      name: 'Leads by name',
      entity: 'people',
      filters: [{ field: 'lifecycle_stage', operator: 'equals', value: 'lead' }],
      sort: [{ field: 'name', direction: 'desc' }],
      columns: ['name', 'email', 'lifecycle_stage', 'tags'],
    });
    expect(await csv(`/api/v1/people/export.csv?view=${view.id}`)).toEqual([
      ['name', 'email', 'lifecycle_stage', 'tags'],
      ['Dave Grohl', 'dave@example.com', 'lead', 'vip'],
      ['Carol Danvers', 'carol@example.com', 'lead', 'vip'],
      ['Bob Marley', 'bob@example.com', 'lead', ''],
      ['', 'nameless@example.com', 'lead', ''],
    ]);
  });

  it('sorts companies by name both ways and pages through them; filters by the beginning of a name or domain', async () => {
    type Company = { name: string };
    const names = (companies: Company[]) => companies.map((c) => c.name);
    expect(names(await all<Company>('/api/v1/companies?sort=name'))).toEqual([
      'acme',
      'Acme Rockets',
      'Globex',
      'Initech',
      'Umbrella',
    ]);
    expect(names(await all<Company>('/api/v1/companies?sort=-name', 1))).toEqual([
      'Umbrella',
      'Initech',
      'Globex',
      'Acme Rockets',
      'acme',
    ]);
    // "rock" is the beginning of a domain only.
    expect(names(await all<Company>('/api/v1/companies?sort=name&q=rock'))).toEqual(['Acme Rockets']);
    expect((await call('GET', '/api/v1/companies?sort=people')).statusCode).toBe(400);
  });

  it('exports a companies view: its filter, sort and columns; refuses a column it does not know', async () => {
    const view = await newView({
      name: 'A companies',
      entity: 'companies',
      filters: [{ field: 'q', operator: 'starts_with', value: 'a' }],
      sort: [{ field: 'name', direction: 'desc' }],
      columns: ['name', 'domains', 'people'],
    });
    expect(await csv(`/api/v1/companies/export.csv?view=${view.id}`)).toEqual([
      ['name', 'domains', 'people'],
      ['Acme Rockets', 'rockets.test', '0'],
      ['acme', 'acme.test', '0'],
    ]);
    const everything = await csv('/api/v1/companies/export.csv');
    expect(everything[0]).toEqual(['id', 'name', 'domains', 'owner_id', 'people', 'updated_at']);
    expect(everything).toHaveLength(6);

    const odd = await newView({ name: 'Odd', entity: 'companies', columns: ['name', 'revenue'] });
    const refused = await call('GET', `/api/v1/companies/export.csv?view=${odd.id}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('columns.1');
    const people = await newView({ name: 'People, not companies', entity: 'people' });
    expect((await call('GET', `/api/v1/companies/export.csv?view=${people.id}`)).statusCode).toBe(400);
  });

  it('sorts deals by amount and by close date (none last descending)', async () => {
    type Deal = { name: string };
    const names = (deals: Deal[]) => deals.map((d) => d.name);
    expect(names(await all<Deal>('/api/v1/deals?sort=-amount'))).toEqual([
      'Huge',
      'Large',
      'Medium',
      'Small',
    ]);
    expect(names(await all<Deal>('/api/v1/deals?sort=amount', 3))).toEqual([
      'Small',
      'Medium',
      'Large',
      'Huge',
    ]);
    expect(names(await all<Deal>('/api/v1/deals?sort=-close_date', 1))).toEqual([
      'Small',
      'Large',
      'Medium',
      'Huge',
    ]);
    expect(names(await all<Deal>(`/api/v1/deals?sort=name&stageId=${pipeline.stages[0]?.id}`))).toEqual([
      'Huge',
      'Medium',
      'Small',
    ]);
  });

  it('exports a deals view: its filter, sort and columns, stage by name', async () => {
    const view = await newView({
      name: 'First stage by amount',
      entity: 'deals',
      filters: [{ field: 'stage_id', operator: 'equals', value: pipeline.stages[0]?.id }],
      sort: [{ field: 'amount', direction: 'desc' }],
      columns: ['name', 'amount', 'stage', 'close_date'],
    });
    expect(await csv(`/api/v1/deals/export.csv?view=${view.id}`)).toEqual([
      ['name', 'amount', 'stage', 'close_date'],
      ['Huge', '90000', 'Lead', ''],
      ['Medium', '5000', 'Lead', '2026-01-15'],
      ['Small', '100', 'Lead', '2026-03-01'],
    ]);
    const everything = await csv('/api/v1/deals/export.csv');
    expect(everything[0]).toEqual([
      'id',
      'name',
      'amount',
      'currency',
      'stage',
      'status',
      'company',
      'close_date',
    ]);
    expect(everything).toHaveLength(5);

    const unknown = await newView({
      name: 'Bad filter',
      entity: 'deals',
      filters: [{ field: 'colour', operator: 'equals', value: 'red' }],
    });
    const refused = await call('GET', `/api/v1/deals/export.csv?view=${unknown.id}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('filters.0');
  });
});
