import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { eventsBySeq, LOG_START, readLogAfter } from './log-cursor.js';

// The planner settings exist on PostgreSQL only (SQLite reads by seq, its primary key).
describe.skipIf(!ENGINES.includes('postgres'))('log reads on postgres', () => {
  const kind = 'postgres';
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('reads in log order and leaves the planner settings of the transaction as they were', async () => {
    const { id: workspaceId } = await createWorkspace(engine.store, 'log reads');
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    await engine.collector.collect({
      source: { workspaceId, sourceId: source.id },
      calls: [1, 2, 3].map((n) => ({ type: 'track', event: `E${n}`, userId: 'u', messageId: `m${n}` })),
      request: {},
    });
    const settings = await engine.store.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const entries = await readLogAfter(trx, kind, LOG_START, 2);
      expect(entries.map((e) => e.event.event)).toEqual(['E1', 'E2']);
      const { rows } = await sql<{ bitmap: string; seqscan: string }>`SELECT
          current_setting('enable_bitmapscan') AS bitmap, current_setting('enable_seqscan') AS seqscan`.execute(
        trx,
      );
      return rows[0];
    });
    expect(settings).toEqual({ bitmap: 'on', seqscan: 'off' });
  });
});

describe.each(ENGINES)('events by seq on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('answers only the events of the workspace asked for, in seq order', async () => {
    const seqsOf: Record<string, number[]> = {};
    const workspaces: string[] = [];
    for (const name of ['one', 'two']) {
      const { id: workspaceId } = await createWorkspace(engine.store, `by seq ${name} ${Math.random()}`);
      const source = await engine.sources.create(workspaceId, { name: 'web' });
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: [1, 2].map((n) => ({ type: 'track', event: `${name}${n}`, userId: 'u', messageId: `m${n}` })),
        request: {},
      });
      const rows = await engine.store.db
        .selectFrom('events')
        .select('seq')
        .where('workspace_id', '=', workspaceId)
        .execute();
      seqsOf[workspaceId] = rows.map((row) => Number(row.seq));
      workspaces.push(workspaceId);
    }
    const [one = '', two = ''] = workspaces;
    const every = [...(seqsOf[two] ?? []), ...(seqsOf[one] ?? [])];
    expect((await eventsBySeq(engine.store.db, one, every)).map((e) => e.event)).toEqual(['one1', 'one2']);
    expect((await eventsBySeq(engine.store.db, two, every)).map((e) => e.event)).toEqual(['two1', 'two2']);
  });
});
