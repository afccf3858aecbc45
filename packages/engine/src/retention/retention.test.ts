import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { ALL_OTHER_EVENTS } from './index.js';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe.each(ENGINES)('retention on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  // Small batches: a run must loop over several of them.
  beforeAll(async () => {
    engine = await openTestEngine(kind, { retention: { batchSize: 2 } });
  });
  afterAll(() => engine.dispose());

  /** A workspace whose events arrived when they happened (as if collected long ago). */
  async function workspaceWithHistory() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const calls = [
      {
        type: 'identify',
        userId: 'ann',
        traits: { email: 'ann@example.com', plan: 'pro' },
        timestamp: daysAgo(100),
      },
      ...[100, 99, 97, 96, 95].map((days) => ({
        type: 'page',
        userId: 'ann',
        name: 'Home',
        timestamp: daysAgo(days),
      })),
      { type: 'track', userId: 'ann', event: 'Page Viewed', timestamp: daysAgo(100) },
      { type: 'track', userId: 'ann', event: 'Page Viewed', timestamp: daysAgo(10) },
      { type: 'track', userId: 'ann', event: 'Order Completed', timestamp: daysAgo(100) },
      { type: 'track', userId: 'ann', event: 'Order Completed', timestamp: daysAgo(10) },
    ].map((call, index) => ({ ...call, messageId: `m${index}` }));
    await engine.collector.collect({ source: { workspaceId, sourceId: source.id }, calls, request: {} });
    await engine.pipeline.catchUp();
    await sql`update events set received_at = timestamp where workspace_id = ${workspaceId}`.execute(
      engine.store.db,
    );
    return workspaceId;
  }

  const eventsOf = async (workspaceId: string) =>
    (
      await engine.store.db
        .selectFrom('events')
        .select(['event', 'type', 'timestamp'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('timestamp')
        .execute()
    )
      // CRM and desk changes are in the log too: only the calls collected here are compared.
      .filter((event) =>
        ['identify', 'page', 'Page Viewed', 'Order Completed'].includes(event.event ?? event.type),
      )
      .map(
        (event) =>
          `${event.event ?? event.type} ${Math.round((Date.now() - Date.parse(event.timestamp)) / 86_400_000)}d`,
      );

  it('removes only what is older than each policy, reports it, and keeps profiles’ traits', async () => {
    const workspaceId = await workspaceWithHistory();
    const untouched = await workspaceWithHistory();
    const ann = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    await engine.activities.create(
      workspaceId,
      { kind: 'note', profileId: ann.id, body: 'old call', occurredAt: daysAgo(50) },
      null,
    );
    await engine.activities.create(
      workspaceId,
      { kind: 'note', profileId: ann.id, body: 'recent call' },
      null,
    );
    const oldTicket = await engine.tickets.create(
      workspaceId,
      { subject: 'Old', profileId: ann.id, priority: 'normal' },
      null,
      {
        channel: 'api',
      },
    );
    const openTicket = await engine.tickets.create(
      workspaceId,
      { subject: 'Open', profileId: ann.id, priority: 'normal' },
      null,
      {
        channel: 'api',
      },
    );
    await engine.tickets.update(workspaceId, oldTicket.id, { status: 'closed' }, null);
    await sql`update tickets set solved_at = ${daysAgo(60)} where workspace_id = ${workspaceId}`.execute(
      engine.store.db,
    );

    const policies = await engine.retention.setPolicies(workspaceId, {
      events: [
        { event: 'Page Viewed', days: 30 },
        { event: null, days: 98 },
      ],
      crmActivitiesDays: 30,
      closedTicketsDays: 30,
      auditLogDays: null,
    });
    expect(policies.events).toHaveLength(2);
    const run = await engine.retention.run(workspaceId, 'manual');
    expect(run).toMatchObject({
      status: 'done',
      trigger: 'manual',
      removed: {
        events: { 'Page Viewed': 1, [ALL_OTHER_EVENTS]: 4 },
        crmActivities: 1,
        closedTickets: 1,
        auditEntries: 0,
      },
    });
    expect(await eventsOf(workspaceId)).toEqual([
      'page 97d',
      'page 96d',
      'page 95d',
      'Page Viewed 10d',
      'Order Completed 10d',
    ]);
    // The other workspace keeps everything; the person keeps their traits.
    expect(await eventsOf(untouched)).toHaveLength(10);
    expect((await engine.profiles.get(workspaceId, ann.id)).traits).toMatchObject({ plan: 'pro' });
    const activities = await engine.activities.list(workspaceId, { profileId: ann.id, limit: 10 });
    expect(activities.data.map((activity) => activity.body)).toEqual(['recent call']);
    await expect(engine.tickets.get(workspaceId, oldTicket.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await engine.tickets.get(workspaceId, openTicket.id)).subject).toBe('Open');

    // A second run finds nothing more; both are reported, newest first.
    expect((await engine.retention.run(workspaceId, 'schedule')).removed.events).toEqual({
      'Page Viewed': 0,
      [ALL_OTHER_EVENTS]: 0,
    });
    const runs = await engine.retention.runs(workspaceId, { limit: 10 });
    expect(runs.data.map((r) => r.trigger)).toEqual(['schedule', 'manual']);
    expect((await engine.retention.runs(untouched, { limit: 10 })).data).toEqual([]);
  });

  it('prunes the audit log by its own policy and the scheduled pass visits only workspaces with policies', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    for (const at of [daysAgo(400), daysAgo(200), daysAgo(1)]) {
      engine.auditLog.record({
        workspaceId,
        at,
        actor: { kind: 'user', id: 'usr_1' },
        action: 'read',
        method: 'GET',
        route: '/api/v1/profiles/:id',
        status: 200,
        profileId: 'prof_1',
        entityIds: {},
      });
    }
    await engine.auditLog.flush();
    await engine.retention.setPolicies(workspaceId, {
      events: [],
      crmActivitiesDays: null,
      closedTicketsDays: null,
      auditLogDays: 365,
    });
    const runs = await engine.retention.runAll();
    expect(runs.find((r) => r.removed.auditEntries === 1)).toBeDefined();
    // The two kept, and the run's own report, recorded as the system's change.
    await engine.auditLog.flush();
    const entries = (await engine.auditLog.list(workspaceId, { limit: 10 })).data;
    expect(entries.map((entry) => entry.actorId)).toEqual(['retention', 'usr_1', 'usr_1']);
    expect(entries[0]).toMatchObject({ actorKind: 'system', action: 'write', after: { auditEntries: 1 } });
    expect(await engine.auditLog.verify(workspaceId)).toMatchObject({ ok: true, checked: 3 });
    // Another process's hourly pass a minute later finds the run and skips the workspace.
    expect((await engine.retention.runAll()).length).toBe(0);
  });
});
