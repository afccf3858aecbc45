import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { crmAuditOf, recordCrmAudit } from './index.js';

describe.each(ENGINES)('CRM events and audit on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('puts a CRM change on the person’s timeline, once however often it is appended', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [{ type: 'identify', userId: 'ann', traits: { email: 'ann@example.com' }, messageId: 'm1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    const ann = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    const change = {
      workspaceId,
      profileId: ann.id,
      event: 'Note Added',
      properties: { activityId: 'act_1' },
      actorId: 'usr_1',
      at: '2026-01-02T03:04:05.000Z',
      messageId: 'note-act_1',
    };
    await engine.store.db.transaction().execute((trx) => engine.crmEvents.appendWithin(trx, [change]));
    await engine.store.db.transaction().execute((trx) => engine.crmEvents.appendWithin(trx, [change]));
    await engine.pipeline.catchUp();
    const timeline = await engine.store.db
      .selectFrom('profile_events')
      .select(['event'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', ann.id)
      .execute();
    expect(timeline.filter((e) => e.event === 'Note Added')).toHaveLength(1);
    expect((await engine.profiles.lookup(workspaceId, 'user_id', 'ann')).id).toBe(ann.id);
  });

  it('keeps who changed a record, with its state before and after', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    await recordCrmAudit(engine.store.db, [
      {
        workspaceId,
        actorId: 'usr_1',
        entityType: 'deal',
        entityId: 'deal_1',
        action: 'create',
        after: { amount: 5 },
        at: '2026-01-01T00:00:00.000Z',
      },
      {
        workspaceId,
        actorId: 'usr_2',
        entityType: 'deal',
        entityId: 'deal_1',
        action: 'update',
        before: { amount: 5 },
        after: { amount: 9 },
        at: '2026-01-02T00:00:00.000Z',
      },
    ]);
    const trail = await crmAuditOf(engine.store.db, { workspaceId, entityType: 'deal', entityId: 'deal_1' });
    expect(trail.map((e) => [e.actorId, e.action, e.before, e.after])).toEqual([
      ['usr_2', 'update', { amount: 5 }, { amount: 9 }],
      ['usr_1', 'create', undefined, { amount: 5 }],
    ]);
  });
});
