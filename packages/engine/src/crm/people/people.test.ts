import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { createWorkspace } from '../../workspaces/index.js';
import { crmAuditOf } from '../crm-audit.js';

describe.each(ENGINES)('people (the CRM view of profiles) on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  async function workspaceWith(calls: Record<string, unknown>[]) {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    if (calls.length > 0) {
      await engine.collector.collect({ source: { workspaceId, sourceId: source.id }, calls, request: {} });
    }
    await engine.pipeline.catchUp();
    return workspaceId;
  }
  const eventsOf = async (workspaceId: string, profileId: string) =>
    (
      await engine.store.db
        .selectFrom('profile_events')
        .select('event')
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .execute()
    ).map((e) => e.event);

  it('creates a person by hand as a profile with identities, CRM fields mirrored into traits', async () => {
    const workspaceId = await workspaceWith([]);
    const person = await engine.people.create(
      workspaceId,
      { email: 'Zoe@Example.com', name: 'Zoe', lifecycleStage: 'lead', ownerId: 'usr_rep', tags: ['vip'] },
      'usr_admin',
    );
    expect(person).toMatchObject({
      lifecycleStage: 'lead',
      ownerId: 'usr_rep',
      tags: ['vip'],
      leadScore: null,
      deals: [],
    });
    await engine.pipeline.catchUp();
    const profile = await engine.profiles.get(workspaceId, person.profileId);
    expect(profile.identities).toContainEqual({ type: 'email', value: 'zoe@example.com' });
    expect(profile.traits).toMatchObject({
      name: 'Zoe',
      crm_lifecycle_stage: 'lead',
      crm_owner_id: 'usr_rep',
      crm_tags: ['vip'],
    });
    const events = await eventsOf(workspaceId, person.profileId);
    expect(events).toEqual(
      expect.arrayContaining(['Person Created', 'Lifecycle Stage Changed', 'Owner Changed']),
    );
    const trail = await crmAuditOf(engine.store.db, {
      workspaceId,
      entityType: 'person',
      entityId: person.profileId,
    });
    expect(trail.map((e) => [e.action, e.actorId])).toEqual([
      ['update', 'usr_admin'],
      ['create', 'usr_admin'],
    ]);
  });

  it('merges a typed email into the profile that already has it', async () => {
    const workspaceId = await workspaceWith([
      { type: 'identify', userId: 'ann', traits: { email: 'ann@example.com' }, messageId: 'a1' },
    ]);
    const ann = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    const created = await engine.people.create(workspaceId, { email: 'ann@example.com' }, 'usr_1');
    expect(created.profileId).toBe(ann.id);
  });

  it('records each change with its actor, and an unchanged write records nothing', async () => {
    const workspaceId = await workspaceWith([{ type: 'identify', userId: 'bo', messageId: 'b1' }]);
    const bo = await engine.profiles.lookup(workspaceId, 'user_id', 'bo');
    await engine.people.update(workspaceId, bo.id, { lifecycleStage: 'mql' }, 'usr_1');
    await engine.people.update(workspaceId, bo.id, { lifecycleStage: 'mql' }, 'usr_1');
    const after = await engine.people.update(
      workspaceId,
      bo.id,
      { lifecycleStage: 'sql', leadStatus: 'working' },
      'usr_2',
    );
    expect(after).toMatchObject({ lifecycleStage: 'sql', leadStatus: 'working' });
    const trail = await crmAuditOf(engine.store.db, { workspaceId, entityType: 'person', entityId: bo.id });
    expect(trail).toHaveLength(2);
    expect(trail[0]).toMatchObject({
      actorId: 'usr_2',
      before: { lifecycleStage: 'mql' },
      after: { lifecycleStage: 'sql' },
    });
    await engine.pipeline.catchUp();
    const stages = await engine.store.db
      .selectFrom('profile_events')
      .select('event')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', bo.id)
      .where('event', '=', 'Lifecycle Stage Changed')
      .execute();
    expect(stages).toHaveLength(2);
  });

  it('validates custom fields on write, naming the field', async () => {
    const workspaceId = await workspaceWith([{ type: 'identify', userId: 'cy', messageId: 'c1' }]);
    const cy = await engine.profiles.lookup(workspaceId, 'user_id', 'cy');
    await engine.customFields.create(
      workspaceId,
      { entity: 'person', key: 'seats', label: 'Seats', type: 'number' },
      null,
    );
    await expect(
      engine.people.update(workspaceId, cy.id, { fields: { seats: 'ten' } }, 'usr_1'),
    ).rejects.toMatchObject({
      code: 'unprocessable',
      details: [{ path: 'fields.seats' }],
    });
    const person = await engine.people.update(workspaceId, cy.id, { fields: { seats: 10 } }, 'usr_1');
    expect(person.fields).toEqual({ seats: 10 });
    await engine.pipeline.catchUp();
    expect((await engine.profiles.get(workspaceId, cy.id)).traits.crm_seats).toBe(10);
  });

  it('shows a survivor what was on the merged-away profile, and gives it back on unmerge', async () => {
    const workspaceId = await workspaceWith([
      { type: 'identify', userId: 'dee', messageId: 'd1' },
      { type: 'identify', anonymousId: 'anon-dee', traits: { email: 'dee@example.com' }, messageId: 'd2' },
    ]);
    const dee = await engine.profiles.lookup(workspaceId, 'user_id', 'dee');
    const anon = await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-dee');
    expect(anon.id).not.toBe(dee.id);
    await engine.people.update(workspaceId, dee.id, { lifecycleStage: 'customer', tags: ['a'] }, 'usr_1');
    await engine.people.update(
      workspaceId,
      anon.id,
      { ownerId: 'usr_rep', lifecycleStage: 'lead', tags: ['b'] },
      'usr_1',
    );
    await engine.tasks.create(
      workspaceId,
      { title: 'Call Dee', dueAt: '2030-01-01T00:00:00.000Z', profileId: anon.id },
      'usr_1',
    );
    const source = await engine.sources.create(workspaceId, { name: 'app' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [{ type: 'identify', userId: 'dee', traits: { email: 'dee@example.com' }, messageId: 'd3' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    const survivorId = await engine.identity.resolveProfileId(workspaceId, dee.id);
    const mergedAway = survivorId === dee.id ? anon.id : dee.id;
    const merged = await engine.people.get(workspaceId, mergedAway);
    expect(merged.profileId).toBe(survivorId);
    // The survivor's own values win; the other's fill what it lacks; tags add up.
    const own = survivorId === dee.id ? 'customer' : 'lead';
    expect(merged).toMatchObject({ lifecycleStage: own, ownerId: 'usr_rep' });
    expect([...merged.tags].sort()).toEqual(['a', 'b']);
    expect(merged.tasks.map((t) => t.title)).toEqual(['Call Dee']);
    // A write on the survivor folds the other's record in: clearing the owner stays cleared.
    expect(
      (await engine.people.update(workspaceId, mergedAway, { ownerId: null }, 'usr_1')).ownerId,
    ).toBeNull();
    const [merge] = await engine.identity.mergesOf(workspaceId, survivorId ?? '');
    await engine.pipeline.unmerge({ workspaceId, profileId: survivorId ?? '', mergeId: merge?.id ?? '' });
    const restored = await engine.people.get(workspaceId, mergedAway);
    expect(restored.profileId).toBe(mergedAway);
    expect(restored.tags).toEqual(mergedAway === dee.id ? ['a'] : ['b']);
  });

  it('lists people with their CRM columns, filtered by owner, stage and tag, and edits them in bulk', async () => {
    const workspaceId = await workspaceWith([
      { type: 'identify', userId: 'e1', traits: { name: 'Eve', email: 'eve@example.com' }, messageId: 'e1' },
      { type: 'identify', userId: 'e2', traits: { firstName: 'Eli', lastName: 'Ng' }, messageId: 'e2' },
      { type: 'identify', userId: 'e3', messageId: 'e3' },
    ]);
    const ids = await Promise.all(
      ['e1', 'e2', 'e3'].map(async (u) => (await engine.profiles.lookup(workspaceId, 'user_id', u)).id),
    );
    const all = await engine.people.list(workspaceId, { limit: 50 }, { actorId: 'usr_me' });
    expect(all.data.map((p) => p.name).sort()).toEqual(['Eli Ng', 'Eve', null].sort());
    const bulk = await engine.people.bulkUpdate(
      workspaceId,
      {
        profileIds: [ids[0] ?? '', ids[1] ?? ''],
        set: { ownerId: 'usr_me', lifecycleStage: 'sql' },
        addTags: ['q3'],
      },
      'usr_admin',
    );
    expect(bulk.updated).toBe(2);
    const mine = await engine.people.list(workspaceId, { limit: 50, ownerId: 'me' }, { actorId: 'usr_me' });
    expect(mine.data.map((p) => p.profileId).sort()).toEqual([ids[0], ids[1]].sort());
    expect(mine.data.find((p) => p.name === 'Eve')).toMatchObject({ email: 'eve@example.com', tags: ['q3'] });
    const tagged = await engine.people.list(workspaceId, { limit: 1, tag: 'q3' }, { actorId: null });
    expect(tagged.data).toHaveLength(1);
    expect(tagged.nextCursor).not.toBeNull();
    const none = await engine.people.list(
      workspaceId,
      { limit: 50, lifecycleStage: 'customer' },
      { actorId: null },
    );
    expect(none.data).toEqual([]);
  });
});
