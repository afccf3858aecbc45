import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_EMAIL, type TestServer } from '../testing/test-server.js';

const DEALS = `CRM id,Deal,Value,Stage,Owner,Website,Contact,Seats
a-1,Globex expansion,2500,Proposal,${TEST_ADMIN_EMAIL},globex.test,hank@globex.test,40
a-2,Initech seats,"1,000",Discovery,,initech.test,peter@initech.test;bill@initech.test,8
a-3,Broken,12,Nowhere,,,,
a-4,Seats wrong,12,,,,,plenty
`;
const MAP = [
  'externalId=CRM id',
  'name=Deal',
  'amount=Value',
  'stage=Stage',
  'owner=Owner',
  'companyDomain=Website',
  'people.decision_maker=Contact',
  'fields.seats=Seats',
].join(',');

describe.each(ENGINES)('deal imports over the API on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
    await server.engine.customFields.create(
      server.workspaceId,
      { entity: 'deal', key: 'seats', label: 'Seats', type: 'number' },
      null,
    );
  });
  afterAll(() => server.close());

  async function upload(query: string, body: string, headers = server.owner, contentType = 'text/csv') {
    return server.app.inject({
      method: 'POST',
      url: `/api/v1/sources/${server.sourceId}/imports?${query}`,
      headers: { ...headers, 'content-type': contentType },
      payload: body,
    });
  }

  async function finished(jobId: string) {
    await server.engine.imports.settle();
    return (await server.app.inject({ url: `/api/v1/imports/${jobId}`, headers: server.owner })).json();
  }

  it('imports a CSV as deals, with per-row errors, and a re-run updates instead of duplicating', async () => {
    const query = `type=deal&currency=EUR&fileName=deals.csv&map=${encodeURIComponent(MAP)}`;
    const response = await upload(query, DEALS);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ type: 'deal', status: 'running', fileName: 'deals.csv' });
    const done = await finished(response.json().id);
    expect(done).toMatchObject({
      status: 'completed',
      type: 'deal',
      rowsRead: 4,
      rowsStored: 2,
      rowsDuplicate: 0,
      rowsRejected: 2,
    });
    expect(done.errors).toEqual([
      { line: 3, message: 'column "Stage" (stage): no stage "Nowhere" in pipeline "Sales"' },
      { line: 4, message: 'column "Seats" (fields.seats): "Seats" takes a number.' },
    ]);

    const deals = (await server.app.inject({ url: '/api/v1/deals?limit=10', headers: server.owner })).json();
    const globex = deals.data.find((d: { name: string }) => d.name === 'Globex expansion');
    expect(globex).toMatchObject({
      amount: 2500,
      currency: 'EUR',
      companyName: 'globex.test',
      fields: { seats: 40 },
    });
    expect(globex.ownerId).toMatch(/^usr_/);
    expect(globex.people).toEqual([{ profileId: expect.stringMatching(/^prof_/), role: 'decision_maker' }]);
    const initech = deals.data.find((d: { name: string }) => d.name === 'Initech seats');
    expect(initech.people).toHaveLength(2);
    expect(initech.amount).toBe(1000);

    // The person the import created is a person of the CRM, with the deal on their page.
    const person = (
      await server.app.inject({ url: `/api/v1/people/${globex.people[0].profileId}`, headers: server.owner })
    ).json();
    expect(person.deals.map((d: { id: string }) => d.id)).toEqual([globex.id]);

    const rerun = await finished(
      (await upload(query, DEALS.replace('Globex expansion,2500', 'Globex expansion,3000'))).json().id,
    );
    expect(rerun).toMatchObject({ rowsStored: 0, rowsDuplicate: 2, rowsRejected: 2 });
    const after = (
      await server.app.inject({ url: `/api/v1/deals/${globex.id}`, headers: server.owner })
    ).json();
    expect(after.amount).toBe(3000);
    const count = (await server.app.inject({ url: '/api/v1/deals?limit=10', headers: server.owner })).json();
    expect(count.data).toHaveLength(2);
  });

  it('imports NDJSON deals', async () => {
    const lines = `${JSON.stringify({ deal: { title: 'Nested deal', value: 7 }, cur: 'GBP' })}\n`;
    const map = encodeURIComponent('name=deal.title,amount=deal.value,currency=cur');
    const response = await upload(
      `type=deal&format=ndjson&map=${map}`,
      lines,
      server.owner,
      'application/x-ndjson',
    );
    expect(response.statusCode).toBe(202);
    const done = await finished(response.json().id);
    expect(done).toMatchObject({ status: 'completed', rowsStored: 1, rowsRejected: 0 });
  });

  it('refuses a bad deal mapping or currency with 400 naming the problem, and members without sources:write', async () => {
    const bad = await upload(`type=deal&map=${encodeURIComponent('name=Deal,colour=c')}`, DEALS);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('unknown deal mapping target "colour"');
    const currency = await upload(`type=deal&currency=euro&map=${encodeURIComponent(MAP)}`, DEALS);
    expect(currency.statusCode).toBe(400);
    expect(currency.json().error.message).toContain('currency');
    const sales = await upload(
      `type=deal&map=${encodeURIComponent(MAP)}`,
      DEALS,
      await server.tokenFor('sales'),
    );
    expect(sales.statusCode).toBe(403);
  });
});
