import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { SavedViewActor } from './index.js';

const ann: SavedViewActor = { id: 'usr_ann', role: 'sales' };
const bob: SavedViewActor = { id: 'usr_bob', role: 'sales' };
const admin: SavedViewActor = { id: 'usr_admin', role: 'admin' };

describe.each(ENGINES)('saved views on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());
  const workspace = async () => (await createWorkspace(engine.store, `views ${Math.random()}`)).id;
  const view = (name: string, shared = false) => ({
    name,
    entity: 'people' as const,
    filters: [{ field: 'lifecycle_stage', operator: 'equals' as const, value: 'lead' }],
    sort: [{ field: 'name', direction: 'asc' as const }],
    columns: ['name', 'email'],
    shared,
  });

  it('keeps a private view its owner’s and shows a shared one to the workspace', async () => {
    const ws = await workspace();
    const mine = await engine.savedViews.create(ws, ann, view('My leads'));
    const team = await engine.savedViews.create(ws, ann, view('Team leads', true));
    expect(mine).toMatchObject({
      ownerId: 'usr_ann',
      editable: true,
      shared: false,
      columns: ['name', 'email'],
    });

    expect((await engine.savedViews.list(ws, ann)).map((v) => v.name)).toEqual(['My leads', 'Team leads']);
    const seenByBob = await engine.savedViews.list(ws, bob, { entity: 'people' });
    expect(seenByBob).toMatchObject([{ name: 'Team leads', editable: false }]);
    expect(await engine.savedViews.list(ws, bob, { entity: 'deals' })).toEqual([]);
    await expect(engine.savedViews.get(ws, bob, mine.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await engine.savedViews.get(ws, bob, team.id)).toMatchObject({ filters: team.filters });
    // Another workspace sees neither.
    expect(await engine.savedViews.list(await workspace(), ann)).toEqual([]);
  });

  it('lets only the owner, or an admin for a shared view, change or delete it', async () => {
    const ws = await workspace();
    const team = await engine.savedViews.create(ws, ann, view('Team', true));
    const mine = await engine.savedViews.create(ws, ann, view('Mine'));
    await expect(engine.savedViews.update(ws, bob, team.id, { name: 'Hijacked' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(engine.savedViews.delete(ws, bob, team.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(engine.savedViews.delete(ws, admin, mine.id)).rejects.toMatchObject({ code: 'not_found' });

    const renamed = await engine.savedViews.update(ws, admin, team.id, {
      name: 'Team (tidied)',
      columns: ['name'],
    });
    expect(renamed).toMatchObject({
      name: 'Team (tidied)',
      columns: ['name'],
      ownerId: 'usr_ann',
      shared: true,
    });
    const unshared = await engine.savedViews.update(ws, ann, team.id, { shared: false });
    expect(unshared.filters).toEqual(team.filters);
    await expect(engine.savedViews.get(ws, bob, team.id)).rejects.toMatchObject({ code: 'not_found' });
    await engine.savedViews.delete(ws, ann, team.id);
    expect((await engine.savedViews.list(ws, ann)).map((v) => v.name)).toEqual(['Mine']);
  });

  it('refuses a second view of the same list and name for one owner', async () => {
    const ws = await workspace();
    await engine.savedViews.create(ws, ann, view('Leads'));
    await expect(engine.savedViews.create(ws, ann, view('Leads'))).rejects.toMatchObject({
      code: 'conflict',
    });
    const other = await engine.savedViews.create(ws, bob, view('Leads'));
    const second = await engine.savedViews.create(ws, ann, view('Leads 2'));
    await expect(engine.savedViews.update(ws, ann, second.id, { name: 'Leads' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(other.ownerId).toBe('usr_bob');
  });
});
