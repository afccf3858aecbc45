import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { writeTransaction } from '../store/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { addToList, removeFromList } from './index.js';

describe.each(ENGINES)('static lists on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  async function workspaceWith(calls: Record<string, unknown>[]) {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({ source: { workspaceId, sourceId: source.id }, calls, request: {} });
    await engine.pipeline.catchUp();
    return { workspaceId, sourceId: source.id };
  }

  it('adds, lists and removes people; a second add changes nothing; lists are per workspace', async () => {
    const { workspaceId } = await workspaceWith([
      { type: 'identify', userId: 'ann', traits: { email: 'ann@example.com', name: 'Ann' }, messageId: 'a1' },
      { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com' }, messageId: 'b1' },
    ]);
    const ann = await engine.profiles.lookup(workspaceId, 'user_id', 'ann');
    const bob = await engine.profiles.lookup(workspaceId, 'user_id', 'bob');
    const list = await engine.lists.create(workspaceId, { name: 'Webinar' }, 'usr_1');
    expect(list).toMatchObject({ name: 'Webinar', description: '', members: 0 });
    const added = await engine.lists.addMembers(
      workspaceId,
      list.id,
      [ann.id, bob.id, 'prof_nobody'],
      'usr_1',
    );
    expect(added).toEqual({ changed: 2, unknown: ['prof_nobody'] });
    expect((await engine.lists.addMembers(workspaceId, list.id, [ann.id], 'usr_1')).changed).toBe(0);
    const page = await engine.lists.members(workspaceId, list.id, { limit: 10 });
    expect(page.data.map((m) => m.email).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(page.data.find((m) => m.profileId === ann.id)?.name).toBe('Ann');
    expect((await engine.lists.listsOf(workspaceId, ann.id)).map((l) => l.id)).toEqual([list.id]);
    expect((await engine.lists.removeMembers(workspaceId, list.id, [ann.id])).changed).toBe(1);
    expect((await engine.lists.get(workspaceId, list.id)).members).toBe(1);
    expect(await engine.lists.listsOf(workspaceId, ann.id)).toEqual([]);

    const other = await createWorkspace(engine.store, 'other');
    await expect(engine.lists.get(other.id, list.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(engine.lists.addMembers(other.id, list.id, [bob.id], null)).rejects.toMatchObject({
      code: 'not_found',
    });
    await engine.lists.update(workspaceId, list.id, { name: 'Webinar 2026' });
    expect((await engine.lists.list(workspaceId)).map((l) => l.name)).toEqual(['Webinar 2026']);
    await engine.lists.delete(workspaceId, list.id);
    expect(await engine.lists.list(workspaceId)).toEqual([]);
  });

  it("adds and removes in the caller's transaction (a journey's list step), all or nothing", async () => {
    const { workspaceId } = await workspaceWith([{ type: 'identify', userId: 'cy', messageId: 'c1' }]);
    const cy = await engine.profiles.lookup(workspaceId, 'user_id', 'cy');
    const list = await engine.lists.create(workspaceId, { name: 'Trial' }, null);
    await expect(
      writeTransaction(engine.store, async (trx) => {
        await addToList(trx, workspaceId, list.id, [cy.id]);
        throw new Error('the journey step failed');
      }),
    ).rejects.toThrow('the journey step failed');
    expect((await engine.lists.get(workspaceId, list.id)).members).toBe(0);
    await writeTransaction(engine.store, (trx) => addToList(trx, workspaceId, list.id, [cy.id]));
    expect((await engine.lists.get(workspaceId, list.id)).members).toBe(1);
    expect(
      await writeTransaction(engine.store, (trx) => removeFromList(trx, workspaceId, list.id, [cy.id])),
    ).toBe(1);
    expect((await engine.lists.get(workspaceId, list.id)).members).toBe(0);
  });

  it('follows merges: a merged person counts once, shows as the survivor, and is removed whole', async () => {
    const { workspaceId, sourceId } = await workspaceWith([
      { type: 'identify', userId: 'dee', messageId: 'd1' },
      { type: 'identify', anonymousId: 'anon-dee', traits: { email: 'dee@example.com' }, messageId: 'd2' },
    ]);
    const dee = await engine.profiles.lookup(workspaceId, 'user_id', 'dee');
    const anon = await engine.profiles.lookup(workspaceId, 'anonymous_id', 'anon-dee');
    const list = await engine.lists.create(workspaceId, { name: 'Leads' }, null);
    await engine.lists.addMembers(workspaceId, list.id, [dee.id, anon.id], null);
    expect((await engine.lists.get(workspaceId, list.id)).members).toBe(2);
    await engine.collector.collect({
      source: { workspaceId, sourceId },
      calls: [{ type: 'identify', userId: 'dee', traits: { email: 'dee@example.com' }, messageId: 'd3' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    const survivorId = await engine.identity.resolveProfileId(workspaceId, anon.id);
    expect((await engine.lists.get(workspaceId, list.id)).members).toBe(1);
    const page = await engine.lists.members(workspaceId, list.id, { limit: 10 });
    expect(page.data.map((m) => m.profileId)).toEqual([survivorId]);
    const mergedAway = survivorId === dee.id ? anon.id : dee.id;
    expect((await engine.lists.listsOf(workspaceId, mergedAway)).map((l) => l.id)).toEqual([list.id]);
    expect((await engine.lists.addMembers(workspaceId, list.id, [mergedAway], null)).changed).toBe(0);
    expect((await engine.lists.removeMembers(workspaceId, list.id, [mergedAway])).changed).toBe(1);
    expect((await engine.lists.get(workspaceId, list.id)).members).toBe(0);
  });
});
