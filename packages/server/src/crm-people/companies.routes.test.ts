import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_WRITE_KEY, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const writeKey = { authorization: `Basic ${Buffer.from(`${TEST_WRITE_KEY}:`).toString('base64')}` };

describe.each(ENGINES)('the companies API on %s', (kind) => {
  let server: TestServer;
  let sales: { authorization: string };
  let viewer: { authorization: string };
  beforeAll(async () => {
    server = await startTestServer(kind);
    sales = await server.tokenFor('sales');
    viewer = await server.tokenFor('viewer');
  });
  afterAll(() => server.close());
  const call = (method: Method, url: string, payload?: unknown, headers = sales) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

  it('creates, reads, searches and edits a company, normalizing its domains', async () => {
    const created = await call('POST', '/api/v1/companies', {
      name: 'Acme',
      domain: 'https://www.Acme.com/about',
      ownerId: 'usr_a',
    });
    expect(created.statusCode).toBe(201);
    const acme = created.json();
    expect(acme).toMatchObject({
      name: 'Acme',
      domains: ['acme.com'],
      ownerId: 'usr_a',
      people: [],
      mergedIds: [],
    });
    expect(acme.id).toMatch(/^co_/);
    const edited = await call('PATCH', `/api/v1/companies/${acme.id}`, {
      name: 'Acme Inc',
      domains: ['acme.com', 'acme.io'],
      traits: { industry: 'anvils' },
    });
    expect(edited.json()).toMatchObject({
      name: 'Acme Inc',
      domains: ['acme.com', 'acme.io'],
      traits: { industry: 'anvils' },
    });
    const byName = await call('GET', '/api/v1/companies?q=acme', undefined, viewer);
    expect(byName.json().data).toEqual([
      expect.objectContaining({ id: acme.id, name: 'Acme Inc', people: 0 }),
    ]);
    const byDomain = await call('GET', '/api/v1/companies?q=acme.io', undefined, viewer);
    expect(byDomain.json().data.map((c: { id: string }) => c.id)).toEqual([acme.id]);
    const bad = await call('POST', '/api/v1/companies', { name: 'X', domain: 'not a domain' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.details)).toContain('domain');
    expect((await call('POST', '/api/v1/companies', { name: 'X' }, viewer)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/companies/co_nothing')).statusCode).toBe(404);
  });

  it('validates company custom fields, naming the field', async () => {
    await call('POST', '/api/v1/custom-fields', {
      entity: 'company',
      key: 'employees',
      label: 'Employees',
      type: 'number',
    });
    const refused = await call('POST', '/api/v1/companies', { name: 'Big', fields: { employees: 'lots' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details).toEqual([
      { path: 'fields.employees', message: expect.stringContaining('number') },
    ]);
    const ok = await call('POST', '/api/v1/companies', { name: 'Big', fields: { employees: 5000 } });
    expect(ok.json().fields).toEqual({ employees: 5000 });
  });

  it('links people by hand and by email domain, keeps group calls working, finds and merges duplicates', async () => {
    const sent = await call(
      'POST',
      '/v1/batch',
      {
        batch: [
          { type: 'identify', userId: 'gus', traits: { email: 'gus@globex.com', name: 'Gus' } },
          { type: 'group', userId: 'gus', groupId: 'globex-1', traits: { name: 'Globex' } },
          { type: 'identify', userId: 'hal', traits: { email: 'hal@globex.com', name: 'Hal' } },
        ],
      },
      writeKey,
    );
    expect(sent.statusCode).toBe(200);
    await server.engine.pipeline.catchUp();
    const fromGroup = (await call('GET', '/api/v1/companies?q=Globex')).json().data[0];
    expect(fromGroup).toMatchObject({ name: 'Globex', people: 1 });
    const hal = (await server.engine.profiles.lookup(server.workspaceId, 'user_id', 'hal')).id;

    expect((await call('PUT', '/api/v1/crm/settings', { linkPeopleByEmailDomain: true })).json()).toEqual({
      assignNewLeadsTo: null,
      linkPeopleByEmailDomain: true,
    });
    const typed = (
      await call('POST', '/api/v1/companies', { name: 'Globex Corporation', domain: 'globex.com' })
    ).json();
    // Linking by email domain: both people with a globex.com email.
    expect(typed.people.map((p: { name: string }) => p.name).sort()).toEqual(['Gus', 'Hal']);
    await call('PATCH', `/api/v1/companies/${fromGroup.id}`, { domains: ['globex.com'] });

    const duplicates = await call('GET', '/api/v1/companies/duplicates', undefined, viewer);
    expect(duplicates.json().data).toEqual([
      {
        domain: 'globex.com',
        companies: expect.arrayContaining([expect.objectContaining({ id: typed.id })]),
      },
    ]);
    const merged = await call('POST', `/api/v1/companies/${typed.id}/merge`, { otherId: fromGroup.id });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ id: typed.id, mergedIds: [fromGroup.id], domains: ['globex.com'] });
    expect((await call('GET', `/api/v1/companies/${fromGroup.id}`)).json().id).toBe(typed.id);
    expect((await call('GET', '/api/v1/companies/duplicates')).json().data).toEqual([]);
    expect(
      (await call('GET', '/api/v1/companies?q=Globex')).json().data.map((c: { id: string }) => c.id),
    ).toEqual([typed.id]);

    // A later group call to the merged company's group still lands on the survivor's people.
    await call('POST', '/v1/group', { userId: 'ivy', groupId: 'globex-1' }, writeKey);
    await server.engine.pipeline.catchUp();
    const after = (await call('GET', `/api/v1/companies/${typed.id}`)).json();
    expect(after.people).toHaveLength(3);

    const removed = await call('DELETE', `/api/v1/companies/${typed.id}/people/${hal}`);
    expect(removed.json().people.map((p: { name: string | null }) => p.name)).not.toContain('Hal');
    const added = await call('POST', `/api/v1/companies/${typed.id}/people`, { profileId: hal });
    expect(added.json().people.map((p: { name: string | null }) => p.name)).toContain('Hal');
    await server.engine.pipeline.catchUp();
    const events = await call('GET', `/api/v1/profiles/${hal}/events?event=Added%20to%20Company`);
    expect(events.json().data.length).toBeGreaterThanOrEqual(1);
    expect(
      (await call('POST', `/api/v1/companies/${typed.id}/merge`, { otherId: typed.id })).statusCode,
    ).toBe(409);
  });

  it('links a person created by hand to the company of their email domain', async () => {
    await call('PUT', '/api/v1/crm/settings', { linkPeopleByEmailDomain: true });
    const initech = (
      await call('POST', '/api/v1/companies', { name: 'Initech', domain: 'initech.com' })
    ).json();
    const person = (
      await call('POST', '/api/v1/people', { email: 'peter@initech.com', name: 'Peter' })
    ).json();
    const company = (await call('GET', `/api/v1/companies/${initech.id}`)).json();
    expect(company.people).toEqual([expect.objectContaining({ profileId: person.profileId, name: 'Peter' })]);
  });
});
