import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The built engine: on a SQLite file its pipeline (and so the DuckDB copy) runs in the compiled
// worker thread; under vitest, sources keep the pipeline in-process.
import { createWorkspace, Engine } from '../dist/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tandem-analytics-thread-'));

describe('the analytics copy of a file store, owned by the pipeline thread', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Polls the copy (read from this thread, answered by the pipeline thread) until `done`. */
  async function until(
    engine: Engine,
    workspaceId: string,
    done: (events: number) => boolean,
  ): Promise<number> {
    for (let tries = 0; tries < 400; tries++) {
      const [row] = await engine.analytics.query(
        'SELECT count(*)::integer AS events FROM analytics_events WHERE workspace_id = $1',
        [workspaceId],
      );
      const events = Number(row?.events ?? 0);
      if (done(events)) return events;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the copy never got there');
  }

  it('answers the main thread’s reads and erasures, and rebuilds a deleted file from the log', async () => {
    let engine = await Engine.open({ dataDir });
    engine.pipeline.start();
    const { id: workspaceId } = await createWorkspace(engine.store, 'thread');
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const calls = Array.from({ length: 40 }, (_, i) => ({
      type: i % 4 === 0 ? 'page' : 'track',
      event: 'Clicked',
      userId: `user-${i % 5}`,
      messageId: `m-${i}`,
    }));
    await engine.collector.collect({ source: { workspaceId, sourceId: source.id }, calls, request: {} });
    expect(await until(engine, workspaceId, (n) => n === 40)).toBe(40);
    expect(engine.analytics.dialect).toBe('duckdb');
    expect(existsSync(join(dataDir, 'analytics.duckdb'))).toBe(true);
    // This thread never opened the file: one process, one owner.
    expect(engine.analyticsStage.embedded?.isOpen).toBe(false);

    // An erasure from this thread runs where the file is open.
    const profileId = (await engine.profiles.lookup(workspaceId, 'user_id', 'user-0')).id;
    const holder = engine.personData.find((h) => h.domain === 'analytics');
    const erased = await holder?.erasePerson({ workspaceId, profileIds: [profileId], identifiers: [] });
    expect(erased).toEqual({ analytics_events: 8, analytics_people: 1 });
    expect(await until(engine, workspaceId, () => true)).toBe(32);
    await engine.close();

    // A deleted copy is rebuilt from the log on the next start (the erased person's events with it:
    // only privacy's own holders remove them from the log).
    rmSync(join(dataDir, 'analytics.duckdb'));
    engine = await Engine.open({ dataDir });
    engine.pipeline.start();
    expect(await until(engine, workspaceId, (n) => n === 40)).toBe(40);
    await engine.close();
  });
});
