import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { partitionOfWorkspace } from '../pipeline-runtime/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { DAY_MS } from './index.js';

const START = Date.parse('2026-03-01T12:00:00.000Z');

// PostgreSQL with a partitioned pipeline: each partition of the stage scores its own workspaces'
// events, decay steps and rescoring after edits.
describe.skipIf(!ENGINES.includes('postgres'))('lead scoring over pipeline partitions', () => {
  let engine: Engine & { dispose(): Promise<void> };
  let now = START;
  beforeAll(async () => {
    engine = await openTestEngine('postgres', {
      pipeline: { partitions: 4 },
      segment: { clock: () => now },
      leadScoring: { rescoreChunk: 2 },
    });
    await engine.pipeline.prepare();
  });
  afterAll(() => engine.dispose());

  it('scores events, rescoring after edits and decay in every workspace', async () => {
    const workspaces = [];
    for (let i = 0; i < 6; i++) {
      const { id: workspaceId } = await createWorkspace(engine.store, `partitioned ${i}`);
      const source = await engine.sources.create(workspaceId, { name: 'web' });
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: ['a', 'b', 'c'].map((userId) => ({
          type: 'identify',
          userId,
          traits: { plan: 'pro' },
          timestamp: new Date(START).toISOString(),
        })),
        request: {},
      });
      workspaces.push({ workspaceId, sourceId: source.id });
    }
    await engine.pipeline.catchUp();
    // Several partitions are exercised.
    const partitions = new Set(workspaces.map((w) => partitionOfWorkspace(w.workspaceId, 4).index));
    expect(partitions.size).toBeGreaterThan(1);
    for (const { workspaceId } of workspaces) {
      const saved = await engine.leadScoring.update(workspaceId, {
        rules: [
          { name: 'Pro', group: 'fit', condition: { trait: 'plan', op: 'eq', value: 'pro' }, points: 5 },
          { name: 'Visit', group: 'engagement', condition: { event: 'Visit' }, points: 20, decayDays: 2 },
        ],
      });
      if (!saved.ok) throw new Error(JSON.stringify(saved.error));
    }
    await engine.pipeline.catchUp();
    for (const { workspaceId, sourceId } of workspaces) {
      expect((await engine.leadScoring.settings(workspaceId)).rescore).toEqual({ running: false, scored: 3 });
      await engine.collector.collect({
        source: { workspaceId, sourceId },
        calls: [{ type: 'track', userId: 'a', event: 'Visit', timestamp: new Date(START).toISOString() }],
        request: {},
      });
    }
    await engine.pipeline.catchUp();
    const totals = async () =>
      Promise.all(
        workspaces.map(async ({ workspaceId }) =>
          (await engine.leadScoring.topLeads(workspaceId, 10)).map((lead) => lead.total),
        ),
      );
    expect(await totals()).toEqual(workspaces.map(() => [25, 5, 5]));
    now = START + DAY_MS + 1;
    await engine.pipeline.catchUp();
    expect(await totals()).toEqual(workspaces.map(() => [15, 5, 5]));
  });
});
