import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { sweepWindowEdges } from './window-sweep.js';

const HOUR = 3_600_000;
const START = Date.parse('2024-06-01T12:00:00.000Z');

describe.each(ENGINES)('the window sweep on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = START;
  beforeAll(async () => {
    engine = await openTestEngine(kind, { segment: { clock: () => now } });
  });
  afterAll(() => engine.dispose());

  it('finds every profile whose event left the window, a limited range at a time, ties together', async () => {
    now = START;
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    // u0…u5 ordered 1…6 hours ago; u6 at the same moment as u5 and u7 (a tie across a cut).
    const hoursAgo = [1, 2, 3, 4, 5, 6, 6, 6];
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: hoursAgo.map((h, i) => ({
        type: 'track',
        userId: `u${i}`,
        event: 'Order Completed',
        messageId: `o${i}`,
        timestamp: new Date(START - h * HOUR).toISOString(),
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
    await engine.segment.catchUp();
    const created = await engine.audiences.create(workspaceId, {
      name: 'ordered today',
      rule: { event: 'Order Completed', within: '1d' },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const everyone = (await engine.audiences.members(workspaceId, created.value.id, { limit: 20 })).data;
    expect(everyone).toHaveLength(8);

    // Half a day on, nothing has left the window: nothing to re-check.
    const scope = {
      db: engine.store.db,
      kind,
      inPartition: undefined,
      compiledAudiences: (id: string) => engine.audiences.compiledAudiences(id),
      limit: 2,
    };
    now = START + 12 * HOUR;
    expect(await sweepWindowEdges({ ...scope, now })).toEqual([]);

    // Two days on, every order has left: found over several sweeps of at most the limit (a tie
    // at the cut comes whole), each once or twice, none missed, and the sweep reaches now.
    now = START + 48 * HOUR;
    const found: string[][] = [];
    for (let turn = 0; turn < 10; turn++) {
      const swept = await sweepWindowEdges({ ...scope, now });
      if (swept.length === 0) break;
      expect(swept.every((s) => s.workspaceId === workspaceId)).toBe(true);
      found.push(swept.map((s) => s.profileId));
    }
    expect(found.length).toBeGreaterThan(2);
    expect(new Set(found.flat())).toEqual(new Set(everyone.map((m) => m.profileId)));
    const sweep = await engine.store.db
      .selectFrom('audience_sweeps')
      .select('swept_to')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    expect(sweep.swept_to).toBe(new Date(now).toISOString());

    // Through the stage (the sweep put back where it was before the calls above): they all exit.
    await engine.store.db
      .updateTable('audience_sweeps')
      .set({ swept_to: new Date(START + 12 * HOUR).toISOString() })
      .where('workspace_id', '=', workspaceId)
      .execute();
    await engine.segment.catchUp();
    expect((await engine.audiences.members(workspaceId, created.value.id, { limit: 20 })).data).toEqual([]);
  });
});
