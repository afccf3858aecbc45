import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

describe.each(ENGINES)('teams and lead assignment on %s', (kind) => {
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
  const person = async (email: string) =>
    (await call('POST', '/api/v1/people', { email })).json().profileId as string;

  it('hands leads out in turn, skipping members away or at capacity, and records each', async () => {
    const team = (
      await call('POST', '/api/v1/teams', {
        name: 'Inbound',
        members: [{ userId: 'usr_a' }, { userId: 'usr_b', away: true }, { userId: 'usr_c', capacity: 1 }],
      })
    ).json();
    expect(team).toMatchObject({
      strategy: 'round_robin',
      members: [{ userId: 'usr_a', away: false, capacity: null }, {}, {}],
    });
    const people = [];
    for (const n of [1, 2, 3, 4]) people.push(await person(`lead${n}@example.com`));
    const result = await call('POST', `/api/v1/teams/${team.id}/assign`, { profileIds: people });
    expect(result.statusCode).toBe(200);
    // b is away; c takes one lead and is then at capacity.
    expect(result.json().assignments.map((a: { ownerId: string }) => a.ownerId)).toEqual([
      'usr_a',
      'usr_c',
      'usr_a',
      'usr_a',
    ]);
    expect((await call('GET', `/api/v1/people/${people[1]}`)).json().ownerId).toBe('usr_c');
    await call('PATCH', `/api/v1/teams/${team.id}`, { members: [{ userId: 'usr_b' }] });
    const next = await call('POST', `/api/v1/teams/${team.id}/assign`, { profileIds: [people[0]] });
    expect(next.json().assignments).toEqual([
      { profileId: people[0], ownerId: 'usr_b', reason: 'round_robin' },
    ]);
    await server.engine.pipeline.catchUp();
    const owners = await call('GET', `/api/v1/profiles/${people[0]}/events?event=Owner%20Changed`);
    expect(owners.json().data).toHaveLength(2);
    expect(
      (await call('POST', `/api/v1/teams/${team.id}/assign`, { profileIds: people }, viewer)).statusCode,
    ).toBe(403);
  });

  it('assigns by the first matching rule, and new leads through the workspace setting', async () => {
    const team = (
      await call('POST', '/api/v1/teams', {
        name: 'Enterprise',
        strategy: 'rule',
        members: [{ userId: 'usr_rr' }],
        rules: [{ when: 'emailDomain', equals: 'bigcorp.com', userId: 'usr_big' }],
      })
    ).json();
    const big = await person('ceo@bigcorp.com');
    const small = await person('me@small.io');
    const result = (
      await call('POST', `/api/v1/teams/${team.id}/assign`, { profileIds: [big, small] })
    ).json();
    expect(result.assignments.map((a: { ownerId: string; reason: string }) => [a.ownerId, a.reason])).toEqual(
      [
        ['usr_big', 'rule'],
        ['usr_rr', 'round_robin'],
      ],
    );
    const settings = await call('PUT', '/api/v1/crm/settings', {
      linkPeopleByEmailDomain: false,
      assignNewLeadsTo: team.id,
    });
    expect(settings.json().assignNewLeadsTo).toBe(team.id);
    const created = (await call('POST', '/api/v1/people', { email: 'cfo@bigcorp.com' })).json();
    expect((await call('GET', `/api/v1/people/${created.profileId}`)).json().ownerId).toBe('usr_big');
    const owned = (
      await call('POST', '/api/v1/people', { email: 'x@bigcorp.com', ownerId: 'usr_me' })
    ).json();
    expect(owned.ownerId).toBe('usr_me');
    // The setting names the team: deleting it would leave new leads unassigned without a word.
    const refused = await call('DELETE', `/api/v1/teams/${team.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('the "New leads" setting uses it');
    await call('PUT', '/api/v1/crm/settings', { linkPeopleByEmailDomain: false, assignNewLeadsTo: null });
    expect((await call('DELETE', `/api/v1/teams/${team.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/teams/${team.id}`)).statusCode).toBe(404);
  });
});
