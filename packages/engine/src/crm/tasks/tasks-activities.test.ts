import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { crmAuditOf } from '../crm-audit.js';

describe.each(ENGINES)('tasks and activities on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  let kim: string;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    workspaceId = (await createWorkspace(engine.store, `ws ${Math.random()}`)).id;
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [{ type: 'identify', userId: 'kim', traits: { name: 'Kim' }, messageId: 'k1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    kim = (await engine.profiles.lookup(workspaceId, 'user_id', 'kim')).id;
  });
  afterAll(() => engine.dispose());

  it('completes and reopens a task, each recorded and appended about the person', async () => {
    const task = await engine.tasks.create(
      workspaceId,
      {
        title: 'Book the demo',
        dueAt: '2020-01-01T00:00:00Z',
        profileId: kim,
        reminderAt: '2019-12-31T09:00:00Z',
      },
      'usr_1',
    );
    expect(task).toMatchObject({ assigneeId: 'usr_1', status: 'open', overdue: true, personName: 'Kim' });
    const done = await engine.tasks.update(workspaceId, task.id, { status: 'done' }, 'usr_2');
    expect(done).toMatchObject({ status: 'done', overdue: false });
    const reopened = await engine.tasks.update(
      workspaceId,
      task.id,
      { status: 'open', dueAt: '2099-01-01T00:00:00Z' },
      'usr_2',
    );
    expect(reopened).toMatchObject({ status: 'open', completedAt: null, overdue: false });
    await engine.pipeline.catchUp();
    const events = await engine.store.db
      .selectFrom('profile_events')
      .select('event')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', kim)
      .execute();
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['Task Created', 'Task Completed', 'Task Reopened']),
    );
    const trail = await crmAuditOf(engine.store.db, { workspaceId, entityType: 'task', entityId: task.id });
    expect(trail.map((e) => [e.action, e.actorId])).toEqual([
      ['update', 'usr_2'],
      ['update', 'usr_2'],
      ['create', 'usr_1'],
    ]);
  });

  it('pages someone’s tasks soonest due first', async () => {
    for (const day of ['03', '01', '02']) {
      await engine.tasks.create(
        workspaceId,
        { title: `t${day}`, dueAt: `2031-01-${day}T00:00:00Z`, assigneeId: 'usr_pager' },
        'usr_1',
      );
    }
    const first = await engine.tasks.list(
      workspaceId,
      { limit: 2, assignee: 'me' },
      { actorId: 'usr_pager' },
    );
    expect(first.data.map((t) => t.title)).toEqual(['t01', 't02']);
    const second = await engine.tasks.list(
      workspaceId,
      { limit: 2, assignee: 'me', cursor: first.nextCursor ?? '' },
      { actorId: 'usr_pager' },
    );
    expect(second.data.map((t) => t.title)).toEqual(['t03']);
    expect(second.nextCursor).toBeNull();
  });

  it('logs activities of each kind as their events, and lists them newest first', async () => {
    await engine.activities.create(
      workspaceId,
      { kind: 'call', profileId: kim, body: 'Intro call', occurredAt: '2026-01-01T10:00:00Z' },
      'usr_1',
    );
    await engine.activities.create(
      workspaceId,
      { kind: 'meeting', profileId: kim, body: 'On site', occurredAt: '2026-01-02T10:00:00Z' },
      'usr_1',
    );
    await engine.activities.create(
      workspaceId,
      { kind: 'email', dealId: 'deal_1', body: 'Sent pricing' },
      'usr_1',
    );
    const ofKim = await engine.activities.list(workspaceId, { profileId: kim, limit: 1 });
    expect(ofKim.data.map((a) => a.body)).toEqual(['On site']);
    const rest = await engine.activities.list(workspaceId, {
      profileId: kim,
      limit: 5,
      cursor: ofKim.nextCursor ?? '',
    });
    expect(rest.data.map((a) => a.body)).toEqual(['Intro call']);
    expect((await engine.activities.list(workspaceId, { dealId: 'deal_1', limit: 5 })).data).toHaveLength(1);
    await expect(
      engine.activities.create(workspaceId, { kind: 'note', companyId: 'deal_9', body: 'x' }, 'usr_1'),
    ).rejects.toMatchObject({ code: 'unprocessable', details: [{ path: 'companyId' }] });
    await engine.pipeline.catchUp();
    const events = await engine.store.db
      .selectFrom('profile_events')
      .select('event')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', kim)
      .execute();
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['Call Logged', 'Meeting Logged']));
  });
});
