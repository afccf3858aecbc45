import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import type { WorkspaceTraitsDropped } from '../pipeline/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

type TestEngine = Engine & { dispose(): Promise<void> };

async function workspaceOf(engine: Engine) {
  const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
  const source = await engine.sources.create(workspaceId, { name: 'web' });
  let n = 0;
  return {
    workspaceId,
    async send(...calls: Record<string, unknown>[]) {
      const stamped = calls.map((call) => ({ messageId: `m${++n}`, ...call }));
      const result = await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: stamped,
        request: {},
      });
      expect(result.rejected).toEqual([]);
      await engine.pipeline.catchUp();
    },
    traitsOf: async (userId: string) => (await engine.profiles.lookup(workspaceId, 'user_id', userId)).traits,
  };
}

describe.each(ENGINES)('the number of traits a profile holds on %s', (kind) => {
  let bounded: TestEngine;
  let unbounded: TestEngine;
  const dropped: WorkspaceTraitsDropped[] = [];
  beforeAll(async () => {
    bounded = await openTestEngine(kind, { pipeline: { maxTraitsPerProfile: 3 } });
    bounded.pipeline.onTraitsDropped((drop) => dropped.push(drop));
    unbounded = await openTestEngine(kind);
  });
  afterAll(async () => {
    await bounded.dispose();
    await unbounded.dispose();
  });

  it('keeps the names that sort first at the bound, still updates them, and reports the drop', async () => {
    const ws = await workspaceOf(bounded);
    await ws.send({ type: 'identify', userId: 'u1', traits: { b: 1, d: 1, f: 1 } });
    expect(await ws.traitsOf('u1')).toEqual({ b: 1, d: 1, f: 1 });
    expect(dropped).toEqual([]);

    await ws.send({ type: 'identify', userId: 'u1', traits: { a: 2, b: 2, c: 2, e: 2, g: 2 } });
    expect(await ws.traitsOf('u1')).toEqual({ a: 2, b: 2, c: 2 });
    // d and f were stored and sort after c; e and g never got in.
    expect(dropped).toEqual([{ workspaceId: ws.workspaceId, profiles: 1, traits: 4 }]);

    await ws.send({ type: 'identify', userId: 'u1', traits: { c: 3, z: 3 } });
    expect(await ws.traitsOf('u1')).toEqual({ a: 2, b: 2, c: 3 });
  });

  it('keeps a merged profile, and both sides of an unmerge, within the bound', async () => {
    const ws = await workspaceOf(bounded);
    const storedNames = async (profileId: string) =>
      (
        await bounded.store.db
          .selectFrom('profile_traits')
          .select('name')
          .where('workspace_id', '=', ws.workspaceId)
          .where('profile_id', '=', profileId)
          .orderBy('name')
          .execute()
      ).map((row) => row.name);
    await ws.send(
      { type: 'identify', userId: 'u1', traits: { a: 1, c: 1, e: 1, g: 1 } },
      { type: 'identify', anonymousId: 'anon', traits: { b: 2, d: 2, f: 2, h: 2 } },
    );
    await ws.send({ type: 'identify', userId: 'u1', anonymousId: 'anon' });
    const merged = await bounded.profiles.lookup(ws.workspaceId, 'user_id', 'u1');
    expect(await storedNames(merged.id)).toEqual(['a', 'b', 'c']);

    const [merge] = await bounded.identity.mergesOf(ws.workspaceId, merged.id);
    if (!merge) throw new Error('no merge recorded');
    const split = await bounded.pipeline.unmerge({
      workspaceId: ws.workspaceId,
      profileId: merged.id,
      mergeId: merge.id,
    });
    const sides = [await storedNames(split.survivorId), await storedNames(split.restoredId)];
    expect(sides.sort()).toEqual([
      ['a', 'c', 'e'],
      ['b', 'd', 'f'],
    ]);
  });

  it('stops a write key from giving a profile more than 1,000 traits by default', async () => {
    const ws = await workspaceOf(unbounded);
    const names = (from: number) =>
      Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`t${from + i}`, i]));
    await ws.send(
      { type: 'identify', userId: 'u1', traits: names(10_000) },
      { type: 'identify', userId: 'u1', traits: names(20_000) },
      { type: 'identify', userId: 'u1', traits: names(30_000) },
    );
    const traits = await ws.traitsOf('u1');
    expect(Object.keys(traits)).toHaveLength(1000);
    expect(traits.t10000).toBe(0);
  });
});
