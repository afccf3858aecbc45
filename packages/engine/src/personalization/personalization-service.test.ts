import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

type Call = Record<string, unknown>;

describe.each(ENGINES)('the personalization API on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  /** SQL text of the statements prepared on the SQLite connection while `recording`. */
  const preparedSql: string[] = [];
  let recording = false;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    const sqlite = engine.store.sqlite;
    if (sqlite) {
      const prepare = sqlite.prepare.bind(sqlite);
      sqlite.prepare = ((source: string) => {
        if (recording) preparedSql.push(source);
        return prepare(source);
      }) as BetterSqlite3.Database['prepare'];
    }
  });
  afterAll(() => engine.dispose());

  let messages = 0;
  async function workspace() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const send = async (...calls: Call[]) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: calls.map((call) => ({ messageId: `p${++messages}`, ...call })),
        request: {},
      });
      await engine.pipeline.catchUp();
      await engine.segment.catchUp();
    };
    const orders = await engine.computedTraits.create(workspaceId, {
      name: 'orders',
      kind: 'count',
      event: 'Order Completed',
    });
    const hidden = await engine.computedTraits.create(workspaceId, {
      name: 'hidden_orders',
      kind: 'count',
      event: 'Order Completed',
    });
    const pro = await engine.audiences.create(workspaceId, {
      name: 'Pro',
      rule: { trait: 'plan', op: 'eq', value: 'pro' },
    });
    if (!orders.ok || !hidden.ok || !pro.ok) throw new Error('definitions refused');
    await send(
      {
        type: 'identify',
        userId: 'ada',
        anonymousId: 'anon-ada',
        traits: { plan: 'pro', secret: 's', age: 36 },
      },
      { type: 'track', userId: 'ada', event: 'Order Completed', properties: { total: 5 } },
    );
    await engine.personalization.updateSettings(workspaceId, {
      traits: ['plan', 'age', 'absent'],
      computedTraits: ['orders'],
      audiences: [pro.value.id],
    });
    return { workspaceId, send };
  }

  // First: the statements of an answer are prepared (and so recorded) by the first answer.
  // The query plans checked are SQLite's.
  if (kind === 'sqlite') {
    it('reads a visitor by keyed searches only, never a walk of the workspace', async () => {
      const { workspaceId } = await workspace();
      recording = true;
      await engine.personalization.answer(workspaceId, { userId: 'ada' });
      recording = false;
      const sqlite = engine.store.sqlite;
      if (!sqlite) throw new Error('no SQLite handle');
      const tables = [
        'profile_identifiers',
        'profile_traits',
        'computed_trait_values',
        'audience_members',
        'consent_states',
      ];
      for (const table of tables)
        expect(
          preparedSql.some((text) => text.includes(table)),
          table,
        ).toBe(true);
      // A store in use has no statistics (no ANALYZE): the plans must be right without them.
      // The visitor's rows (settings and definitions are read once a second per workspace).
      const visitorReads = preparedSql.filter((text) => tables.some((table) => text.includes(table)));
      for (const text of visitorReads) {
        const parameters = (text.match(/\?/g) ?? []).map(() => 'x');
        const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[];
        for (const { detail } of plan) {
          expect(detail, text).toMatch(/^SEARCH /);
          expect(detail, text).toMatch(/profile_id=\?|value=\?/);
        }
      }
    });
  }

  it('answers only what is exposed, and a change at the next answer', async () => {
    const { workspaceId, send } = await workspace();
    const expected = { traits: { plan: 'pro', age: 36 }, computedTraits: { orders: 1 }, audiences: ['Pro'] };
    expect(await engine.personalization.answer(workspaceId, { userId: 'ada' })).toEqual(expected);
    expect(await engine.personalization.answer(workspaceId, { anonymousId: 'anon-ada' })).toEqual(expected);
    await send(
      { type: 'identify', userId: 'ada', traits: { plan: 'free', age: 37 } },
      { type: 'track', userId: 'ada', event: 'Order Completed', properties: { total: 5 } },
    );
    expect(await engine.personalization.answer(workspaceId, { userId: 'ada' })).toEqual({
      traits: { plan: 'free', age: 37 },
      computedTraits: { orders: 2 },
      audiences: [],
    });
    await engine.personalization.updateSettings(workspaceId, {
      traits: ['secret'],
      computedTraits: ['hidden_orders'],
      audiences: [],
    });
    expect(await engine.personalization.answer(workspaceId, { userId: 'ada' })).toEqual({
      traits: { secret: 's' },
      computedTraits: { hidden_orders: 2 },
      audiences: [],
    });
  });

  it('answers a visitor who refused personalization exactly as an unknown one', async () => {
    const { workspaceId, send } = await workspace();
    const unknown = await engine.personalization.answer(workspaceId, { userId: 'nobody' });
    expect(unknown).toEqual({ traits: {}, computedTraits: { orders: 0 }, audiences: [] });
    await send({
      type: 'track',
      event: 'Consent Changed',
      userId: 'ada',
      context: { consent: { categoryPreferences: { personalization: false } } },
    });
    expect(await engine.personalization.answer(workspaceId, { userId: 'ada' })).toEqual(unknown);
    await send({
      type: 'track',
      event: 'Consent Changed',
      userId: 'ada',
      context: { consent: { categoryPreferences: { personalization: true } } },
    });
    expect((await engine.personalization.answer(workspaceId, { userId: 'ada' })).traits).toEqual({
      plan: 'pro',
      age: 36,
    });
    // Removing the purpose: nobody grants it any more.
    await engine.consent.deletePurpose(workspaceId, 'personalization');
    expect(await engine.personalization.answer(workspaceId, { userId: 'ada' })).toEqual(unknown);
  });
});
