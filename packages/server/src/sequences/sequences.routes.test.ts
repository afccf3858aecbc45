import { ENGINES, TableEmailQueue } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe.each(ENGINES)('the lists and sequences API on %s', (kind) => {
  let server: TestServer;
  let sales: { authorization: string };
  let viewer: { authorization: string };
  let queue: TableEmailQueue;
  beforeAll(async () => {
    server = await startTestServer(kind);
    queue = new TableEmailQueue(server.engine.store);
    server.engine.sendSequenceEmailWith(queue);
    sales = await server.tokenFor('sales');
    viewer = await server.tokenFor('viewer');
  });
  afterAll(() => server.close());
  const call = (method: Method, url: string, payload?: unknown, headers = sales) =>
    server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const person = async (email: string) =>
    (await call('POST', '/api/v1/people', { email })).json().profileId as string;

  it('keeps a static list: create, add and remove people, page members, rename, delete', async () => {
    const [ann, bob] = [await person('ann@lists.test'), await person('bob@lists.test')];
    const created = await call('POST', '/api/v1/lists', { name: 'Webinar', description: 'Signed up' });
    expect(created.statusCode).toBe(201);
    const list = created.json();
    const added = await call('POST', `/api/v1/lists/${list.id}/members`, {
      profileIds: [ann, bob, 'prof_x'],
    });
    expect(added.json()).toEqual({ changed: 2, unknown: ['prof_x'] });
    const members = await call('GET', `/api/v1/lists/${list.id}/members?limit=1`, undefined, viewer);
    expect(members.json().data).toHaveLength(1);
    expect(members.json().nextCursor).not.toBeNull();
    const rest = await call(
      'GET',
      `/api/v1/lists/${list.id}/members?limit=1&cursor=${members.json().nextCursor}`,
    );
    // The viewer lacks pii:read: its page shows emails masked (pii/); sales reads them.
    expect(members.json().data[0].email).toMatch(/^[ab]•••@l•••\.test$/);
    const first = await call('GET', `/api/v1/lists/${list.id}/members?limit=1`);
    expect([...first.json().data, ...rest.json().data].map((m: { email: string }) => m.email).sort()).toEqual(
      ['ann@lists.test', 'bob@lists.test'],
    );
    const removed = await call('DELETE', `/api/v1/lists/${list.id}/members`, { profileIds: [ann] });
    expect(removed.json().changed).toBe(1);
    expect((await call('PATCH', `/api/v1/lists/${list.id}`, { name: 'Webinar Dec' })).json()).toMatchObject({
      name: 'Webinar Dec',
      members: 1,
    });
    expect((await call('GET', '/api/v1/lists')).json().data.map((l: { id: string }) => l.id)).toContain(
      list.id,
    );
    expect((await call('POST', '/api/v1/lists', { name: 'Nope' }, viewer)).statusCode).toBe(403);
    expect((await call('DELETE', `/api/v1/lists/${list.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/lists/${list.id}`)).statusCode).toBe(404);
  });

  it('answers 400 naming the field, 404 for unknown ids', async () => {
    const noName = await call('POST', '/api/v1/lists', { name: '' });
    expect(noName.statusCode).toBe(400);
    expect(JSON.stringify(noName.json().error.details)).toContain('name');
    const badDelay = await call('POST', '/api/v1/sequences', {
      name: 'Bad',
      steps: [{ kind: 'email', templateId: 'etpl_x', delay: 'soon' }],
    });
    expect(badDelay.statusCode).toBe(400);
    expect(JSON.stringify(badDelay.json().error.details)).toContain('steps.0.delay');
    const neither = await call('POST', '/api/v1/sequences/seq_x/enrollments', {});
    expect(neither.statusCode).toBe(400);
    expect(JSON.stringify(neither.json().error.details)).toContain('profileIds');
    expect((await call('GET', '/api/v1/sequences/seq_nothing')).statusCode).toBe(404);
    expect(
      (await call('POST', '/api/v1/sequences/seq_nothing/enrollments', { profileIds: ['p'] })).statusCode,
    ).toBe(404);
  });

  it('runs a sequence for a list: enroll, steps, stop by hand, the person’s sequences, the report', async () => {
    const [cy, di] = [await person('cy@seq.test'), await person('di@seq.test')];
    const list = (await call('POST', '/api/v1/lists', { name: 'Leads' })).json();
    await call('POST', `/api/v1/lists/${list.id}/members`, { profileIds: [cy, di] });
    const created = await call('POST', '/api/v1/sequences', {
      name: 'Outbound',
      steps: [
        { kind: 'email', templateId: 'etpl_intro' },
        { kind: 'task', title: 'Call them', delay: '2d', businessDays: true },
      ],
      settings: { stopOnCompanyReply: true },
    });
    expect(created.statusCode).toBe(201);
    const sequence = created.json();
    expect(sequence.settings).toEqual({
      stopOnReply: true,
      stopOnMeeting: true,
      stopOnUnsubscribe: true,
      stopOnBounce: true,
      stopOnCompanyReply: true,
    });
    expect(sequence.steps.map((s: { kind: string }) => s.kind)).toEqual(['email', 'task']);
    const enrolled = await call('POST', `/api/v1/sequences/${sequence.id}/enrollments`, { listId: list.id });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.json().enrolled).toHaveLength(2);
    await server.engine.sequenceScheduler.runDue();
    expect((await queue.queued()).filter((q) => q.email.origin.id === sequence.id)).toHaveLength(2);

    const page = (
      await call('GET', `/api/v1/sequences/${sequence.id}/enrollments`, undefined, viewer)
    ).json();
    expect(page.data.map((e: { currentStep: number }) => e.currentStep)).toEqual([1, 1]);
    const cyEnrollment = page.data.find((e: { profileId: string }) => e.profileId === cy);
    const stopped = await call(
      'POST',
      `/api/v1/sequences/${sequence.id}/enrollments/${cyEnrollment.id}/stop`,
    );
    expect(stopped.json()).toMatchObject({ status: 'stopped', stopReason: 'manual' });
    expect(
      (await call('POST', `/api/v1/sequences/${sequence.id}/enrollments/${cyEnrollment.id}/stop`)).statusCode,
    ).toBe(409);
    const ofCy = (await call('GET', `/api/v1/profiles/${cy}/sequences`)).json();
    expect(ofCy.data).toEqual([expect.objectContaining({ sequenceName: 'Outbound', status: 'stopped' })]);
    const report = (await call('GET', `/api/v1/sequences/${sequence.id}/report`)).json();
    expect(report).toMatchObject({ enrolled: 2, active: 1, stopped: { manual: 1 } });
    expect(report.steps.map((s: { ran: number }) => s.ran)).toEqual([2, 0]);

    const renamed = await call('PATCH', `/api/v1/sequences/${sequence.id}`, { name: 'Outbound Q1' });
    expect(renamed.json()).toMatchObject({ name: 'Outbound Q1', active: 1 });
    expect((await call('DELETE', `/api/v1/sequences/${sequence.id}`)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/sequences')).json().data).toEqual([]);
  });
});
