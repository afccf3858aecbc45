import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const PASSWORD = 'violet kettle orbit 42';

describe.each(ENGINES)('handing over a removed member’s records on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    server.app.inject({ method, url, headers: server.owner, ...(payload ? { payload } : {}) });

  async function member(email: string): Promise<string> {
    expect(
      (await call('POST', '/api/v1/users', { email, password: PASSWORD, role: 'sales' })).statusCode,
    ).toBe(201);
    const members = (await call('GET', '/api/v1/members')).json().data as { id: string; email: string }[];
    return members.find((m) => m.email === email)?.id ?? '';
  }

  it('counts what a member holds, refuses to hand it to a non-member (422), then hands it over', async () => {
    const leaver = await member('leaver@hand-over.example.com');
    const taker = await member('taker@hand-over.example.com');
    const person = (
      await call('POST', '/api/v1/people', { email: 'lead@hand-over.example.com', ownerId: leaver })
    ).json();
    const ticket = await call('POST', '/api/v1/tickets', {
      subject: 'Locked out',
      email: 'lead@hand-over.example.com',
      assigneeId: leaver,
    });
    expect(ticket.statusCode).toBe(201);
    const task = await call('POST', '/api/v1/tasks', {
      title: 'Call back',
      dueAt: '2030-01-01T00:00:00Z',
      assigneeId: leaver,
    });
    expect(task.statusCode).toBe(201);

    const holdings = await call('GET', `/api/v1/members/${leaver}/holdings`);
    expect(holdings.statusCode).toBe(200);
    expect(holdings.json()).toEqual({
      people: 1,
      companies: 0,
      openDeals: 0,
      openTasks: 1,
      activeEnrollments: 0,
      unsolvedTickets: 1,
    });
    expect((await call('GET', '/api/v1/members/usr_nobody/holdings')).statusCode).toBe(404);

    for (const handOverTo of ['usr_nobody', leaver]) {
      const refused = await call('DELETE', `/api/v1/members/${leaver}?handOverTo=${handOverTo}`);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error.details).toEqual([{ path: 'handOverTo', message: expect.any(String) }]);
      expect(refused.json().error.message).toMatch(/^Invalid handOverTo: /);
    }
    expect((await call('GET', `/api/v1/members/${leaver}/holdings`)).json().people).toBe(1);

    const removed = await call('DELETE', `/api/v1/members/${leaver}?handOverTo=${taker}`);
    expect(removed.statusCode).toBe(204);
    expect((await call('GET', `/api/v1/members/${leaver}/holdings`)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/people/${person.profileId}`)).json().ownerId).toBe(taker);
    expect((await call('GET', `/api/v1/tickets/${ticket.json().id}`)).json().assigneeId).toBe(taker);
    expect((await call('GET', `/api/v1/tasks/${task.json().id}`)).json().assigneeId).toBe(taker);
    expect((await call('GET', `/api/v1/members/${taker}/holdings`)).json()).toMatchObject({
      people: 1,
      openTasks: 1,
      unsolvedTickets: 1,
    });
  });

  it('lists former members still holding records and hands those to a current member', async () => {
    const former = await member('former@hand-over.example.com');
    const taker = await member('later-taker@hand-over.example.com');
    const person = (
      await call('POST', '/api/v1/people', { email: 'kept@hand-over.example.com', ownerId: former })
    ).json();
    const task = await call('POST', '/api/v1/tasks', {
      title: 'Follow up',
      dueAt: '2030-01-01T00:00:00Z',
      assigneeId: former,
    });
    expect(task.statusCode).toBe(201);
    expect((await call('DELETE', `/api/v1/members/${former}`)).statusCode).toBe(204);

    const holdings = {
      people: 1,
      companies: 0,
      openDeals: 0,
      openTasks: 1,
      activeEnrollments: 0,
      unsolvedTickets: 0,
    };
    const listed = await call('GET', '/api/v1/former-members');
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({
      data: [{ userId: former, email: 'former@hand-over.example.com', holdings }],
    });
    const handOver = (userId: string, handOverTo: string) =>
      call('POST', `/api/v1/former-members/${userId}/hand-over`, { handOverTo });

    const stillMember = await handOver(taker, former);
    expect(stillMember.statusCode).toBe(409);
    expect(stillMember.json().error.code).toBe('conflict');
    for (const handOverTo of ['usr_nobody', former]) {
      const refused = await handOver(former, handOverTo);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error.details).toEqual([{ path: 'handOverTo', message: expect.any(String) }]);
    }
    expect((await call('GET', '/api/v1/former-members')).json().data).toHaveLength(1);

    const moved = await handOver(former, taker);
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual(holdings);
    expect((await call('GET', '/api/v1/former-members')).json()).toEqual({ data: [] });
    expect((await call('GET', `/api/v1/people/${person.profileId}`)).json().ownerId).toBe(taker);
    expect((await call('GET', `/api/v1/tasks/${task.json().id}`)).json().assigneeId).toBe(taker);
  });

  it('lets only members:manage list and hand over former members’ records', async () => {
    const sales = await server.tokenFor('sales');
    const listed = await server.app.inject({ url: '/api/v1/former-members', headers: sales });
    expect(listed.statusCode).toBe(403);
    const handedOver = await server.app.inject({
      method: 'POST',
      url: '/api/v1/former-members/usr_any/hand-over',
      headers: sales,
      payload: { handOverTo: 'usr_other' },
    });
    expect(handedOver.statusCode).toBe(403);
  });

  it('lets only members:manage read what a member holds', async () => {
    const sales = await server.tokenFor('sales');
    const [owner] = (await call('GET', '/api/v1/members')).json().data as { id: string }[];
    const response = await server.app.inject({
      url: `/api/v1/members/${owner?.id}/holdings`,
      headers: sales,
    });
    expect(response.statusCode).toBe(403);
  });
});
