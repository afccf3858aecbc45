import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine.js';
import { SINGLE_PARTITION } from '../../pipeline-runtime/index.js';
import { ENGINES, openTestEngine } from '../../testing/index.js';
import { planWorkspace } from './copy-work.js';

describe.each(ENGINES)('planning a copy write on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('points every profile of a merge chain at the one that survives it, and keeps only that person', async () => {
    const start = { txid: 0, seq: 0 };
    // Held batches: p3 merged into p2, then p2 into p1.
    const plan = await planWorkspace(
      engine.store.db,
      { identity: engine.identity, computedTraits: engine.computedTraits, clock: () => 0 },
      {
        workspaceId: 'ws_chain',
        events: [],
        unified: {
          partition: SINGLE_PARTITION,
          from: start,
          to: start,
          passed: 0,
          entries: [],
          profileOf: new Map(),
          merges: [
            { workspaceId: 'ws_chain', mergedId: 'p3', survivorId: 'p2' },
            { workspaceId: 'ws_chain', mergedId: 'p2', survivorId: 'p1' },
          ],
        },
      },
    );
    expect(plan.merges).toEqual([
      { mergedId: 'p3', survivorId: 'p1' },
      { mergedId: 'p2', survivorId: 'p1' },
    ]);
    expect(plan.people.map((person) => person.profileId)).toEqual(['p1']);
  });
});
