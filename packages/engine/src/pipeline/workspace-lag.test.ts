import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('a workspace’s pipeline status on %s', (kind) => {
  let engine: (Engine & { dispose(): Promise<void> }) | undefined;
  afterEach(async () => {
    await engine?.dispose();
    engine = undefined;
  });

  const now = Date.parse('2026-03-01T12:00:00Z');

  async function workspaceWithEvents(opened: Engine, name: string, count: number, receivedAt: Date) {
    const workspace = await createWorkspace(opened.store, name);
    const source = await opened.sources.create(workspace.id, { name: 'web' });
    await opened.collector.collect({
      source: { workspaceId: workspace.id, sourceId: source.id },
      calls: Array.from({ length: count }, (_, i) => ({
        type: 'track',
        userId: `${name}-${i}`,
        event: 'Seen',
        messageId: `${name}-${i}`,
      })),
      request: {},
      receivedAt,
    });
    return workspace.id;
  }

  it('counts and dates only the caller’s unprocessed events, never the whole log', async () => {
    engine = await openTestEngine(kind, { pipeline: { clock: () => now } });
    const busy = await workspaceWithEvents(engine, 'busy', 7, new Date(now - 60_000));
    const quiet = await workspaceWithEvents(engine, 'quiet', 2, new Date(now - 5_000));

    const [global] = await engine.pipeline.status();
    expect(global?.lagEvents).toBe(9);
    const [ofBusy, segmentOfBusy] = await engine.pipeline.workspaceStatus(busy);
    const [ofQuiet] = await engine.pipeline.workspaceStatus(quiet);
    expect(segmentOfBusy).toEqual({ ...ofBusy, stage: 'segment' });
    expect(ofBusy).toMatchObject({ stage: 'unify', lagEvents: 7, lagSeconds: 60 });
    expect(ofQuiet).toMatchObject({ stage: 'unify', lagEvents: 2, lagSeconds: 5 });
    // Its own newest event, not the log's head.
    const newestOfQuiet = (await engine.collector.recentEvents(quiet, await sourceOf(engine, quiet), 1))[0];
    expect(ofQuiet?.headSeq).toBe(newestOfQuiet?.seq);
    expect(ofBusy?.headSeq).toBeLessThan(ofQuiet?.headSeq ?? 0);

    await engine.pipeline.catchUp();
    for (const workspaceId of [busy, quiet]) {
      const stages = await engine.pipeline.workspaceStatus(workspaceId);
      expect(stages.map((s) => s.stage)).toEqual(['unify', 'segment', 'delivery']);
      for (const status of stages) {
        expect(status).toMatchObject({ lagEvents: 0, lagSeconds: 0 });
        expect(status.checkpointSeq).toBe(status.headSeq);
      }
    }
  });

  it('reports each stage at its own checkpoint, locally and over the whole log', async () => {
    engine = await openTestEngine(kind, { pipeline: { clock: () => now } });
    const workspaceId = await workspaceWithEvents(engine, 'ws', 5, new Date(now - 30_000));
    // Unify alone moves, two events at a time. (On PostgreSQL a batch may find nothing while
    // another transaction of the server runs: try again.)
    const unifyUntil = async (lag: number) => {
      for (
        let tries = 0;
        tries < 200 && ((await engine?.pipeline.status())?.[0]?.lagEvents ?? 0) > lag;
        tries++
      ) {
        if ((await engine?.pipeline.runBatch(2)) === 0)
          await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await unifyUntil(3);
    const [partly, behindPartly] = await engine.pipeline.workspaceStatus(workspaceId);
    expect(partly).toMatchObject({ stage: 'unify', lagEvents: 3 });
    expect(behindPartly).toMatchObject({ stage: 'segment', lagEvents: 5, lagSeconds: 30 });
    // Segment still has all five events ahead of it.
    await unifyUntil(0);
    const [unify, segment] = await engine.pipeline.workspaceStatus(workspaceId);
    expect(unify).toMatchObject({ stage: 'unify', lagEvents: 0, lagSeconds: 0 });
    expect(segment).toMatchObject({ stage: 'segment', lagEvents: 5, lagSeconds: 30 });
    expect(segment?.headSeq).toBe(unify?.headSeq);
    const global = await engine.pipeline.status();
    expect(global.map((s) => [s.stage, s.lagEvents])).toEqual([
      ['unify', 0],
      ['segment', 5],
      ['delivery', 5],
    ]);
    await engine.pipeline.catchUp();
    expect((await engine.pipeline.status()).map((s) => s.lagEvents)).toEqual([0, 0, 0]);
  });

  it('reports nothing to do for a workspace without events', async () => {
    engine = await openTestEngine(kind, { pipeline: { clock: () => now } });
    await workspaceWithEvents(engine, 'other', 3, new Date(now));
    const empty = await createWorkspace(engine.store, 'empty');
    expect(await engine.pipeline.workspaceStatus(empty.id)).toEqual([
      { stage: 'unify', checkpointSeq: 0, headSeq: 0, lagEvents: 0, lagSeconds: 0 },
      { stage: 'segment', checkpointSeq: 0, headSeq: 0, lagEvents: 0, lagSeconds: 0 },
      { stage: 'delivery', checkpointSeq: 0, headSeq: 0, lagEvents: 0, lagSeconds: 0 },
    ]);
  });
});

async function sourceOf(engine: Engine, workspaceId: string): Promise<string> {
  const sources = await engine.sources.list(workspaceId, { limit: 1 });
  const source = sources.data[0];
  if (!source) throw new Error('no source');
  return source.id;
}
