import type { CreateSavedInsight } from '@tandem/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

/** What one step does to a dashboard; indexes pick among what exists when it runs. */
type Step =
  | { op: 'add'; insight: number; width: 1 | 2 }
  | { op: 'remove'; tile: number }
  | { op: 'move'; from: number; to: number }
  | { op: 'resize'; tile: number }
  | { op: 'deleteInsight'; insight: number };

// Adds weigh most, so dashboards grow long enough for moves and removals to matter.
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      insight: fc.nat(2),
      width: fc.constantFrom(1 as const, 2 as const),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), tile: fc.nat(9) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('move' as const), from: fc.nat(9), to: fc.nat(9) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('resize' as const), tile: fc.nat(9) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('deleteInsight' as const), insight: fc.nat(2) }), weight: 1 },
);

const insight = (name: string): CreateSavedInsight => ({
  name,
  description: '',
  chart: 'line',
  range: '7d',
  query: {
    kind: 'trend',
    series: [{ event: name, measure: 'count', where: [] }],
    interval: 'day',
    where: [],
  },
});

// A dashboard is a list: whatever is added, removed, moved, resized or loses its insight, the
// stored tiles read back as that list, in order, with positions 0..n-1.
describe.each(ENGINES)('dashboard tiles on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('always read back as the list the steps made, positions 0..n-1', async () => {
    let nonEmptyEnds = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        const ws = (await createWorkspace(engine.store, `tiles ${Math.random()}`)).id;
        const insights = await Promise.all(
          ['A', 'B', 'C'].map((n) => engine.savedInsights.create(ws, 'usr', insight(n))),
        );
        const alive = new Set(insights.map((i) => i.id));
        const board = await engine.dashboards.create(ws, 'usr', { name: 'Board' });
        let model: { id: string; insightId: string; width: number }[] = [];
        for (const s of steps) {
          const at = (n: number) => model[n % Math.max(model.length, 1)];
          if (s.op === 'add') {
            const insightId = insights[s.insight]?.id ?? '';
            if (!alive.has(insightId)) continue;
            const after = await engine.dashboards.addTile(ws, board.id, { insightId, width: s.width });
            const added = after.tiles.find((t) => !model.some((m) => m.id === t.id));
            if (!added) throw new Error('no new tile');
            model.push({ id: added.id, insightId, width: s.width });
          } else if (s.op === 'remove' && at(s.tile)) {
            const tile = at(s.tile);
            await engine.dashboards.removeTile(ws, board.id, tile?.id ?? '');
            model = model.filter((m) => m.id !== tile?.id);
          } else if (s.op === 'move' && model.length > 1) {
            const [moved] = model.splice(s.from % model.length, 1);
            if (moved) model.splice(s.to % (model.length + 1), 0, moved);
            await engine.dashboards.reorderTiles(
              ws,
              board.id,
              model.map((m) => m.id),
            );
          } else if (s.op === 'resize' && at(s.tile)) {
            const tile = at(s.tile);
            if (!tile) continue;
            tile.width = tile.width === 1 ? 2 : 1;
            await engine.dashboards.resizeTile(ws, board.id, tile.id, tile.width);
          } else if (s.op === 'deleteInsight') {
            const insightId = insights[s.insight]?.id ?? '';
            if (!alive.delete(insightId)) continue;
            await engine.savedInsights.delete(ws, insightId);
            model = model.filter((m) => m.insightId !== insightId);
          }
        }
        const stored = await engine.dashboards.get(ws, board.id);
        expect(stored.tiles.map((t) => ({ id: t.id, insightId: t.insightId, width: t.width }))).toEqual(
          model,
        );
        expect(stored.tiles.map((t) => t.position)).toEqual(model.map((_, i) => i));
        if (model.length > 1) nonEmptyEnds += 1;
      }),
      { numRuns: 25 },
    );
    // The steps must leave real lists to compare, not only empty dashboards.
    expect(nonEmptyEnds).toBeGreaterThan(3);
  }, 120_000);
});
