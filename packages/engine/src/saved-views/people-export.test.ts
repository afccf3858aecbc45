import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { peopleRows } from '../profiles/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

describe.each(ENGINES)('people rows for export on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    workspaceId = (await createWorkspace(engine.store, `export ${Math.random()}`)).id;
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: Array.from({ length: 7 }, (_, i) => ({
        type: 'identify',
        messageId: `m${i}`,
        userId: `u${i}`,
        traits: { name: `Person ${i}`, tier: i % 2 === 0 ? 'Gold' : 'silver', visits: i, tags: ['a'] },
      })),
      request: {},
    });
    await engine.pipeline.catchUp();
  });
  afterAll(() => engine.dispose());

  const collect = async (options: Parameters<typeof peopleRows>[3]) => {
    const pages: number[] = [];
    const rows = [];
    for await (const page of peopleRows(engine.store, engine.identity, workspaceId, options)) {
      pages.push(page.length);
      rows.push(...page);
    }
    return { pages, rows };
  };

  it('reads page by page with a cursor, each person once, in id order', async () => {
    const { pages, rows } = await collect({ filters: [], columns: ['id', 'name', 'tags'], pageSize: 3 });
    expect(pages).toEqual([3, 3, 1]);
    const ids = rows.map((row) => String(row.id));
    expect(new Set(ids).size).toBe(7);
    expect(ids).toEqual([...ids].sort());
    expect(rows[0]?.tags).toBe('["a"]');
  });

  it('reads in a sort across pages: a trait (a missing one as empty) or a built-in, both ways', async () => {
    const names = async (sort: Parameters<typeof peopleRows>[3]['sort']) =>
      (await collect({ filters: [], columns: ['name'], sort, pageSize: 3 })).rows.map((row) => row.name);
    const ascending = ['Person 0', 'Person 1', 'Person 2', 'Person 3', 'Person 4', 'Person 5', 'Person 6'];
    expect(await names({ field: 'name', direction: 'desc' })).toEqual([...ascending].reverse());
    expect(await names({ field: 'name', direction: 'asc' })).toEqual(ascending);
    // "tier": Gold (even) or silver (odd), by its text without regard to case, then by id.
    const tiers = (
      await collect({
        filters: [],
        columns: ['tier'],
        sort: { field: 'tier', direction: 'asc' },
        pageSize: 2,
      })
    ).rows;
    expect(tiers.map((row) => row.tier)).toEqual([
      'Gold',
      'Gold',
      'Gold',
      'Gold',
      'silver',
      'silver',
      'silver',
    ]);
    expect(await names({ field: 'missing', direction: 'asc' })).toHaveLength(7);
    const newest = await names({ field: 'created_at', direction: 'desc' });
    expect(new Set(newest).size).toBe(7);
  });

  it('applies every filter: text without regard to case, numbers, presence', async () => {
    const names = async (filters: Parameters<typeof peopleRows>[3]['filters']) =>
      (await collect({ filters, columns: ['name'], pageSize: 2 })).rows.map((row) => row.name).sort();
    expect(await names([{ field: 'tier', operator: 'equals', value: 'gold' }])).toEqual([
      'Person 0',
      'Person 2',
      'Person 4',
      'Person 6',
    ]);
    expect(
      await names([
        { field: 'tier', operator: 'not_equals', value: 'GOLD' },
        { field: 'visits', operator: 'greater_than', value: 2 },
      ]),
    ).toEqual(['Person 3', 'Person 5']);
    expect(await names([{ field: 'name', operator: 'contains', value: 'son 1' }])).toEqual(['Person 1']);
    expect(await names([{ field: 'name', operator: 'contains', value: '%' }])).toEqual([]);
    expect(await names([{ field: 'tier', operator: 'starts_with', value: 'sil' }])).toHaveLength(3);
    expect(await names([{ field: 'visits', operator: 'less_than', value: 1 }])).toEqual(['Person 0']);
    expect(await names([{ field: 'missing', operator: 'is_not_set' }])).toHaveLength(7);
    expect(await names([{ field: 'missing', operator: 'is_set' }])).toEqual([]);
  });
});
