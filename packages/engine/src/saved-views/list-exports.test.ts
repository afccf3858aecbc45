import { text } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { companiesCsv, dealsCsv } from './index.js';

const view = (entity: 'companies' | 'deals', definition: Record<string, unknown>) => ({
  name: `${entity} view`,
  entity,
  filters: [],
  sort: [],
  columns: [],
  ...definition,
});

describe.each(ENGINES)('company and deal lists, sorted and exported, on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let workspaceId: string;
  let stages: { id: string; name: string }[];
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    workspaceId = (await createWorkspace(engine.store, `lists ${Math.random()}`)).id;
    // More companies and deals than one export page (500), to cross a cursor.
    for (let i = 0; i < 520; i++) {
      const name = `Co ${String(i).padStart(3, '0')}`;
      await engine.companies.create(workspaceId, { name, domain: `co${i}.test` }, null);
    }
    const pipeline = await engine.pipelines.create(
      workspaceId,
      {
        name: 'Sales',
        stages: [
          { name: 'Lead', probability: 10 },
          { name: 'Won-ish', probability: 90 },
        ],
      },
      null,
    );
    stages = pipeline.stages;
    for (let i = 0; i < 510; i++) {
      await engine.deals.create(
        workspaceId,
        {
          name: `Deal ${i}`,
          amount: (i * 37) % 1000,
          currency: 'EUR',
          pipelineId: pipeline.id,
          stageId: i % 10 === 0 ? stages[1]?.id : stages[0]?.id,
        },
        null,
      );
    }
  }, 120_000);
  afterAll(() => engine.dispose());

  const rowsOf = async (csv: import('node:stream').Readable) => parse(await text(csv)) as string[][];

  it('pages companies in name order both ways, with a cursor that crosses pages', async () => {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.companies.list(workspaceId, { limit: 200, sort: '-name', cursor });
      names.push(...page.data.map((c) => c.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toHaveLength(520);
    expect(names).toEqual([...names].sort().reverse());
    await expect(
      engine.companies.list(workspaceId, { limit: 10, sort: 'name', cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('exports every company of a view, in its sort, with its columns', async () => {
    const rows = await rowsOf(
      companiesCsv(
        engine.companies,
        workspaceId,
        view('companies', { sort: [{ field: 'name', direction: 'desc' }], columns: ['name', 'domains'] }),
      ),
    );
    expect(rows[0]).toEqual(['name', 'domains']);
    expect(rows).toHaveLength(521);
    expect(rows[1]).toEqual(['Co 519', 'co519.test']);
    expect(rows.at(-1)).toEqual(['Co 000', 'co0.test']);
    const filtered = await rowsOf(
      companiesCsv(
        engine.companies,
        workspaceId,
        view('companies', {
          filters: [{ field: 'q', operator: 'starts_with', value: 'co 10' }],
          columns: ['name'],
        }),
      ),
    );
    expect(filtered.slice(1).flat()).toEqual([
      'Co 100',
      'Co 101',
      'Co 102',
      'Co 103',
      'Co 104',
      'Co 105',
      'Co 106',
      'Co 107',
      'Co 108',
      'Co 109',
    ]);
  });

  it('exports the deals of a view: its filter, its sort across pages, its columns', async () => {
    const rows = await rowsOf(
      dealsCsv(
        engine,
        workspaceId,
        view('deals', {
          filters: [{ field: 'stage_id', operator: 'equals', value: stages[0]?.id }],
          sort: [{ field: 'amount', direction: 'desc' }],
          columns: ['amount', 'stage'],
        }),
      ),
    );
    expect(rows[0]).toEqual(['amount', 'stage']);
    expect(rows).toHaveLength(1 + 459);
    const amounts = rows.slice(1).map((row) => Number(row[0]));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(new Set(rows.slice(1).map((row) => row[1]))).toEqual(new Set(['Lead']));

    const all = await rowsOf(dealsCsv(engine, workspaceId, undefined));
    expect(all).toHaveLength(511);
    expect(() =>
      dealsCsv(engine, workspaceId, view('deals', { sort: [{ field: 'colour', direction: 'asc' }] })),
    ).toThrow(/sort\.0\.field/);
  });
});
