import { ENGINES } from '@tandem/engine/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Headers = Record<string, string>;

// Personal data masked per role through the API: profiles, people, a profile's events, search
// results and the people CSV export; roles with pii:read see values, allowlists unmask fields.
describe.each(ENGINES)('PII masking through the API on %s', (kind) => {
  let server: TestServer;
  let viewer: Headers;
  let marketer: Headers;
  let sales: Headers;
  let profileId: string;

  const get = (url: string, headers: Headers) => server.app.inject({ method: 'GET', url, headers });
  const json = async (url: string, headers: Headers) => {
    const response = await get(url, headers);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    server = await startTestServer(kind);
    [viewer, marketer, sales] = await Promise.all(
      (['viewer', 'marketer', 'sales'] as const).map((role) => server.tokenFor(role)),
    );
    const field = await server.app.inject({
      method: 'POST',
      url: '/api/v1/custom-fields',
      headers: server.owner,
      payload: { entity: 'person', key: 'passport_no', label: 'Passport number', type: 'text' },
    });
    expect(field.statusCode, field.body).toBe(201);
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: server.owner,
      payload: {
        name: 'Jane Doe',
        email: 'jane.doe@example.com',
        phone: '+442079460958',
        traits: { plan: 'pro', address: { city: 'Leeds', street: '1 Main St' } },
        fields: { passport_no: 'X1234567' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    profileId = created.json().profileId;
    await server.engine.collector.collect({
      source: { workspaceId: server.workspaceId, sourceId: server.sourceId },
      calls: [
        {
          type: 'track',
          userId: 'jane',
          messageId: 'pii-track-1',
          event: 'Order Completed',
          properties: { total: 42, email: 'jane.doe@example.com' },
          context: { traits: { email: 'jane.doe@example.com' } },
        },
        {
          type: 'identify',
          userId: 'jane',
          messageId: 'pii-identify-1',
          traits: { email: 'jane.doe@example.com' },
        },
      ],
      request: {},
    });
    await server.engine.pipeline.catchUp();
  });
  afterAll(() => server.close());

  it('shows a viewer a profile’s personal traits and identifiers masked, and sales the values', async () => {
    const masked = await json(`/api/v1/profiles/${profileId}`, viewer);
    expect(masked.traits).toMatchObject({
      name: '•••',
      email: 'j•••@e•••.com',
      phone: '•••',
      plan: 'pro',
      address: { city: '•••', street: '•••' },
    });
    expect(masked.identities).toContainEqual({ type: 'email', value: 'j•••@e•••.com' });
    expect(JSON.stringify(masked)).not.toContain('jane.doe@example.com');

    const plain = await json(`/api/v1/profiles/${profileId}`, sales);
    expect(plain.traits).toMatchObject({ name: 'Jane Doe', email: 'jane.doe@example.com', plan: 'pro' });
    expect(plain.identities).toContainEqual({ type: 'email', value: 'jane.doe@example.com' });
  });

  it('masks the profiles list and a lookup for a marketer', async () => {
    const list = await json('/api/v1/profiles?limit=50', marketer);
    const listed = list.data.find((p: { id: string }) => p.id === profileId);
    expect(listed.traits).toMatchObject({ name: '•••', email: 'j•••@e•••.com' });
    const found = await json('/api/v1/profiles/lookup?type=email&value=jane.doe%40example.com', marketer);
    expect(found.traits.email).toBe('j•••@e•••.com');
    expect(JSON.stringify(list)).not.toContain('Jane Doe');
  });

  it('masks the events of a profile: properties, traits, nested context', async () => {
    const events = await json(`/api/v1/profiles/${profileId}/events`, viewer);
    const order = events.data.find((e: { event: string | null }) => e.event === 'Order Completed');
    expect(order.properties).toEqual({ total: 42, email: 'j•••@e•••.com' });
    expect(JSON.stringify(events)).not.toContain('jane.doe@example.com');
    const plain = await json(`/api/v1/profiles/${profileId}/events`, sales);
    expect(JSON.stringify(plain)).toContain('jane.doe@example.com');
  });

  it('masks the calls the source debugger shows', async () => {
    const recent = await json(`/api/v1/sources/${server.sourceId}/events`, viewer);
    const order = recent.data.find((e: { event: string | null }) => e.event === 'Order Completed');
    expect(order.payload.properties).toEqual({ total: 42, email: 'j•••@e•••.com' });
    expect(order.payload.context.traits).toEqual({ email: 'j•••@e•••.com' });
    expect(JSON.stringify(recent)).not.toContain('jane.doe@example.com');
    expect(JSON.stringify(await json(`/api/v1/sources/${server.sourceId}/events`, sales))).toContain(
      'jane.doe@example.com',
    );
  });

  it('masks people (list and person with personal custom fields) and search hits', async () => {
    const people = await json('/api/v1/people?limit=50', viewer);
    expect(people.data.find((p: { profileId: string }) => p.profileId === profileId)).toMatchObject({
      name: '•••',
      email: 'j•••@e•••.com',
    });
    // A custom field becomes personal once marked.
    expect((await json(`/api/v1/people/${profileId}`, viewer)).fields).toEqual({ passport_no: 'X1234567' });
    const marked = await server.app.inject({
      method: 'PUT',
      url: '/api/v1/pii/settings',
      headers: server.owner,
      payload: { personalFields: ['email', 'name', 'phone', 'address', 'passport_no'] },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    expect((await json(`/api/v1/people/${profileId}`, viewer)).fields).toEqual({ passport_no: '•••' });
    expect((await json(`/api/v1/people/${profileId}`, sales)).fields).toEqual({ passport_no: 'X1234567' });
    // Its value is also the crm_ trait of the profile: marked with it.
    await server.engine.pipeline.catchUp();
    expect((await json(`/api/v1/profiles/${profileId}`, viewer)).traits.crm_passport_no).toBe('•••');

    const hits = await json('/api/v1/search?q=jane', viewer);
    const hit = hits.data.find((h: { id: string }) => h.id === profileId);
    expect(hit).toMatchObject({ type: 'people', title: '•••', subtitle: 'j•••@e•••.com', matched: '•••' });
    const plainHits = await json('/api/v1/search?q=jane', sales);
    expect(plainHits.data.find((h: { id: string }) => h.id === profileId)).toMatchObject({
      title: 'Jane Doe',
      subtitle: 'jane.doe@example.com',
    });
  });

  it('masks the people of a company and the members of a list', async () => {
    const post = async (url: string, payload: object) => {
      const response = await server.app.inject({ method: 'POST', url, headers: server.owner, payload });
      expect(response.statusCode, response.body).toBeLessThan(300);
      return response.json();
    };
    const company = await post('/api/v1/companies', { name: 'Doe Ltd', domain: 'doe-ltd.com' });
    await post(`/api/v1/companies/${company.id}/people`, { profileId });
    expect((await json(`/api/v1/companies/${company.id}`, viewer)).people).toEqual([
      { profileId, name: '•••', email: 'j•••@e•••.com' },
    ]);
    const list = await post('/api/v1/lists', { name: 'VIPs' });
    await post(`/api/v1/lists/${list.id}/members`, { profileIds: [profileId] });
    expect((await json(`/api/v1/lists/${list.id}/members`, viewer)).data).toEqual([
      expect.objectContaining({ profileId, name: '•••', email: 'j•••@e•••.com' }),
    ]);
    expect((await json(`/api/v1/lists/${list.id}/members`, sales)).data).toEqual([
      expect.objectContaining({ profileId, name: 'Jane Doe', email: 'jane.doe@example.com' }),
    ]);
  });

  it('masks a ticket’s requester and their messages’ sender, for a viewer and not for sales', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: server.owner,
      payload: { email: 'jane.doe@example.com', subject: 'Where is my order?', body: 'It is late.' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = created.json();
    const masked = await json(`/api/v1/tickets/${ticket.id}`, viewer);
    expect(masked.requesterEmail).toBe('j•••@e•••.com');
    expect(masked.messages.map((m: { from: string }) => m.from)).not.toContain('jane.doe@example.com');
    const page = await json('/api/v1/tickets', viewer);
    expect(page.data.find((t: { id: string }) => t.id === ticket.id).requesterEmail).toBe('j•••@e•••.com');
    expect((await json(`/api/v1/tickets/${ticket.id}`, sales)).requesterEmail).toBe('jane.doe@example.com');
  });

  it('masks personal columns of the people CSV export for a viewer', async () => {
    const rowsFor = async (headers: Headers) => {
      const response = await get('/api/v1/people/export.csv', headers);
      expect(response.statusCode, response.body).toBe(200);
      const rows: Record<string, string>[] = parse(response.body, { columns: true });
      return rows.find((row) => row.id === profileId);
    };
    expect(await rowsFor(viewer)).toMatchObject({ name: '•••', email: 'j•••@e•••.com' });
    expect(await rowsFor(sales)).toMatchObject({ name: 'Jane Doe', email: 'jane.doe@example.com' });
  });

  it('unmasks the fields a role’s allowlist names, and answers each caller what it sees masked', async () => {
    const saved = await server.app.inject({
      method: 'PUT',
      url: '/api/v1/pii/settings',
      headers: server.owner,
      payload: {
        personalFields: ['email', 'name', 'phone', 'address'],
        roleAllowlists: { marketer: ['email'] },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const forMarketer = await json(`/api/v1/profiles/${profileId}`, marketer);
    expect(forMarketer.traits).toMatchObject({ email: 'jane.doe@example.com', name: '•••' });
    expect((await json(`/api/v1/profiles/${profileId}`, viewer)).traits.email).toBe('j•••@e•••.com');
    expect(await json('/api/v1/pii/access', marketer)).toEqual({
      role: 'marketer',
      maskedFields: ['name', 'phone', 'address'],
    });
    expect(await json('/api/v1/pii/access', sales)).toEqual({ role: 'sales', maskedFields: [] });
  });

  it('lets only privacy:manage change the settings, and names a bad field', async () => {
    const put = (headers: Headers, payload: unknown) =>
      server.app.inject({ method: 'PUT', url: '/api/v1/pii/settings', headers, payload: payload as object });
    expect((await put(marketer, { personalFields: [] })).statusCode).toBe(403);
    const bad = await put(server.owner, { personalFields: 'email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('body.personalFields');
    const unknownDestination = await put(server.owner, {
      personalFields: [],
      unmaskedDestinations: ['dst_nope'],
    });
    expect(unknownDestination.statusCode).toBe(400);
    expect(unknownDestination.json().error.message).toContain('unmaskedDestinations');
    expect((await json('/api/v1/pii/settings', viewer)).personalFields).toEqual([
      'email',
      'name',
      'phone',
      'address',
    ]);
  });
});
