import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import type { JourneyDefinition } from './index.js';

// A store in use has no statistics (no ANALYZE): SQLite's plans for the journeys stage must find a
// person's runs by person. A walk of the workspace's runs for every batch made event → first step
// take seconds once a journey had a million runs.
describe('the journeys stage on SQLite', () => {
  let engine: Engine & { dispose(): Promise<void> };
  /** SQL text of the statements prepared on the SQLite connection while `recording`. */
  const preparedSql: string[] = [];
  let recording = false;
  beforeAll(async () => {
    engine = await openTestEngine('sqlite');
    const sqlite = engine.store.sqlite;
    if (!sqlite) throw new Error('no SQLite handle');
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => {
      if (recording) preparedSql.push(source);
      return prepare(source);
    }) as BetterSqlite3.Database['prepare'];
  });
  afterAll(() => engine.dispose());

  it('reads the runs of the people in a batch by person, never every run of the workspace', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const definition = {
      name: 'Welcome',
      entry: { kind: 'event', event: 'Signed Up' },
      steps: [{ id: 'tag', kind: 'update_trait', trait: 'welcomed', value: true, next: null }],
    } as unknown as JourneyDefinition;
    const journey = await engine.journeys.create(workspaceId, definition);
    await engine.journeys.publish(workspaceId, journey.id, { inFlight: 'stay' });
    recording = true;
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [{ type: 'track', userId: 'ada', event: 'Signed Up', messageId: 'plan-1' }],
      request: {},
    });
    await engine.pipeline.catchUp();
    recording = false;

    const sqlite = engine.store.sqlite as BetterSqlite3.Database;
    const runReads = preparedSql.filter((text) => /^select/i.test(text) && text.includes('"journey_runs"'));
    expect(runReads.length).toBeGreaterThan(0);
    for (const text of runReads) {
      const parameters = (text.match(/\?/g) ?? []).map(() => 'x');
      const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[];
      for (const { detail } of plan.filter((step) => step.detail.includes('journey_runs')))
        expect(detail, text).not.toMatch(/\(workspace_id=\?\)$|^SCAN/);
    }
  });
});
