import { ENGINES } from '@tandem/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe.each(ENGINES)('the CRM people API on %s', (kind) => {
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

  it('creates a person by hand, reads and edits their CRM view', async () => {
    const created = await call('POST', '/api/v1/people', {
      email: 'nia@example.com',
      name: 'Nia',
      lifecycleStage: 'lead',
      tags: ['webinar'],
    });
    expect(created.statusCode).toBe(201);
    const person = created.json();
    expect(person).toMatchObject({
      lifecycleStage: 'lead',
      tags: ['webinar'],
      leadScore: null,
      deals: [],
      tasks: [],
    });
    expect(person.profileId).toMatch(/^prof_/);
    const edited = await call('PATCH', `/api/v1/people/${person.profileId}`, {
      lifecycleStage: 'sql',
      ownerId: 'usr_x',
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ lifecycleStage: 'sql', ownerId: 'usr_x' });
    const read = await call('GET', `/api/v1/people/${person.profileId}`, undefined, viewer);
    expect(read.json()).toMatchObject({ lifecycleStage: 'sql' });
    const listed = await call('GET', '/api/v1/people?lifecycleStage=sql', undefined, viewer);
    // A viewer lacks pii:read: name and email come masked (pii/).
    expect(listed.json().data).toEqual([
      expect.objectContaining({ profileId: person.profileId, name: '•••', email: 'n•••@e•••.com' }),
    ]);
    const bulk = await call('POST', '/api/v1/people/bulk', {
      profileIds: [person.profileId],
      set: {},
      addTags: ['hot'],
    });
    expect(bulk.json()).toEqual({ updated: 1 });
    expect((await call('GET', `/api/v1/people/${person.profileId}`)).json().tags).toEqual(['webinar', 'hot']);
  });

  it('answers 404 for an unknown person, 400 naming a malformed field and 422 naming a refused custom field', async () => {
    expect((await call('GET', '/api/v1/people/prof_nobody')).statusCode).toBe(404);
    const stage = await call('POST', '/api/v1/people', {
      email: 'x@example.com',
      lifecycleStage: 'prospect',
    });
    expect(stage.statusCode).toBe(400);
    expect(JSON.stringify(stage.json().error.details)).toContain('lifecycleStage');
    const empty = await call('POST', '/api/v1/people', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/email, a phone, a user id or a name/);
    const field = await call('POST', '/api/v1/custom-fields', {
      entity: 'person',
      key: 'plan_tier',
      label: 'Plan tier',
      type: 'select',
      choices: ['free', 'pro'],
    });
    expect(field.statusCode).toBe(201);
    const refused = await call('POST', '/api/v1/people', {
      email: 'y@example.com',
      fields: { plan_tier: 'gold' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'unprocessable',
      details: [{ path: 'fields.plan_tier' }],
    });
    expect(refused.json().error.message).toContain('plan_tier');
    const unknown = await call('POST', '/api/v1/people', {
      email: 'y@example.com',
      fields: { colour: 'red' },
    });
    expect(unknown.json().error.details).toEqual([
      { path: 'fields.colour', message: expect.stringContaining('colour') },
    ]);
    const fields = await call('GET', '/api/v1/custom-fields?entity=person', undefined, viewer);
    expect(fields.json().data.map((f: { key: string }) => f.key)).toEqual(['plan_tier']);
    expect((await call('DELETE', `/api/v1/custom-fields/${field.json().id}`)).statusCode).toBe(204);
  });

  it('lets a viewer read but not write', async () => {
    const person = (await call('POST', '/api/v1/people', { userId: 'viewer-target' })).json();
    for (const [method, url, body] of [
      ['POST', '/api/v1/people', { email: 'v@example.com' }],
      ['PATCH', `/api/v1/people/${person.profileId}`, { lifecycleStage: 'lead' }],
      ['POST', '/api/v1/activities', { kind: 'note', profileId: person.profileId, body: 'hi' }],
      ['POST', '/api/v1/tasks', { title: 'x', dueAt: '2030-01-01T00:00:00Z' }],
      ['POST', '/api/v1/custom-fields', { entity: 'person', key: 'k', label: 'K', type: 'text' }],
    ] as const) {
      expect((await call(method, url, body, viewer)).statusCode, `${method} ${url}`).toBe(403);
    }
    expect(
      (await call('GET', `/api/v1/activities?profileId=${person.profileId}`, undefined, viewer)).statusCode,
    ).toBe(200);
    expect((await call('GET', '/api/v1/tasks', undefined, viewer)).statusCode).toBe(200);
  });

  it('logs a note that appears on the person’s timeline', async () => {
    const person = (await call('POST', '/api/v1/people', { email: 'tim@example.com' })).json();
    const note = await call('POST', '/api/v1/activities', {
      kind: 'note',
      profileId: person.profileId,
      body: 'Asked for a demo',
    });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({
      kind: 'note',
      body: 'Asked for a demo',
      profileId: person.profileId,
    });
    await call('POST', '/api/v1/activities', {
      kind: 'call',
      profileId: person.profileId,
      body: 'Left a voicemail',
    });
    const listed = await call('GET', `/api/v1/activities?profileId=${person.profileId}`);
    expect(listed.json().data.map((a: { kind: string }) => a.kind)).toEqual(['call', 'note']);
    await server.engine.pipeline.catchUp();
    const timeline = await call('GET', `/api/v1/profiles/${person.profileId}/events?event=Note%20Added`);
    expect(timeline.json().data).toEqual([
      expect.objectContaining({
        event: 'Note Added',
        properties: expect.objectContaining({ body: 'Asked for a demo' }),
      }),
    ]);
    const missing = await call('POST', '/api/v1/activities', {
      kind: 'note',
      profileId: 'prof_missing',
      body: 'x',
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details).toEqual([{ path: 'profileId', message: expect.any(String) }]);
    const noTarget = await call('POST', '/api/v1/activities', { kind: 'note', body: 'x' });
    expect(noTarget.statusCode).toBe(400);
  });

  it('keeps my tasks and the overdue queue, and completes a task', async () => {
    const person = (await call('POST', '/api/v1/people', { email: 'tara@example.com' })).json();
    const late = await call('POST', '/api/v1/tasks', {
      title: 'Send the proposal',
      dueAt: '2020-01-01T09:00:00Z',
      profileId: person.profileId,
      priority: 'high',
    });
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ status: 'open', overdue: true, priority: 'high' });
    await call('POST', '/api/v1/tasks', {
      title: 'Follow up',
      dueAt: '2099-01-01T09:00:00Z',
      profileId: person.profileId,
    });
    await call('POST', '/api/v1/tasks', {
      title: 'Someone else’s',
      dueAt: '2020-01-01T09:00:00Z',
      assigneeId: 'usr_other',
    });
    const mine = await call('GET', '/api/v1/tasks?assignee=me&status=open');
    expect(mine.json().data.map((t: { title: string }) => t.title)).toEqual([
      'Send the proposal',
      'Follow up',
    ]);
    expect(mine.json().data[0].personName).toBe('tara@example.com');
    const overdue = await call('GET', '/api/v1/tasks?assignee=me&status=open&overdue=true');
    expect(overdue.json().data.map((t: { title: string }) => t.title)).toEqual(['Send the proposal']);
    const done = await call('PATCH', `/api/v1/tasks/${late.json().id}`, { status: 'done' });
    expect(done.json()).toMatchObject({ status: 'done', overdue: false, completedAt: expect.any(String) });
    expect((await call('GET', '/api/v1/tasks?assignee=me&overdue=true')).json().data).toEqual([]);
    expect(
      (await call('GET', `/api/v1/people/${person.profileId}`))
        .json()
        .tasks.map((t: { title: string }) => t.title),
    ).toEqual(['Follow up']);
    await server.engine.pipeline.catchUp();
    const completed = await call('GET', `/api/v1/profiles/${person.profileId}/events?event=Task%20Completed`);
    expect(completed.json().data).toHaveLength(1);
    const bad = await call('POST', '/api/v1/tasks', { title: 'x', dueAt: 'tomorrow' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.details)).toContain('dueAt');
  });
});
