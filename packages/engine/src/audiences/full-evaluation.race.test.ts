import { AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT, type AudienceRule } from '@tandem/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { fromJson } from '../store/index.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { AudienceEvents } from './audience-events.js';
import { AudiencesService } from './audiences-service.js';
import { compileRule } from './compiled-rule.js';
import { profilesMeeting } from './rule-query.js';

const PEOPLE = 90;
const ROUNDS = 6;
const PLANS = ['pro', 'free', 'team'] as const;
const BEFORE: AudienceRule = { trait: 'plan', op: 'eq', value: 'pro' };
const AFTER: AudienceRule = {
  any: [
    { trait: 'plan', op: 'eq', value: 'team' },
    { all: [{ trait: 'plan', op: 'eq', value: 'pro' }, { event: 'Order Completed' }] },
  ],
};

describe.each(ENGINES)('an audience edit racing segment batches on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  // Strictly increasing: each membership change gets its own moment (and message id).
  let now = Date.parse('2024-06-01T12:00:00.000Z');
  const clock = () => now++;
  beforeAll(async () => {
    engine = await openTestEngine(kind, { segment: { clock } });
  });
  afterAll(() => engine.dispose());

  /** A workspace of people u0…, an audience on BEFORE, and an edit service of tiny chunks. */
  async function setUp() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    let n = 0;
    const collect = (calls: Record<string, unknown>[]) =>
      engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: calls.map((c) => ({ messageId: `m${++n}`, ...c })),
        request: {},
      });
    await collect(
      Array.from({ length: PEOPLE }, (_, i) => [
        { type: 'identify', userId: `u${i}`, traits: { plan: PLANS[i % 3] } },
        ...(i % 4 === 0 ? [{ type: 'track', userId: `u${i}`, event: 'Order Completed' }] : []),
      ]).flat(),
    );
    await settle();
    // Chunks of at most 2 profiles: the edit takes many transactions, batches run between them.
    const audiences = new AudiencesService(engine.store, {
      computedTraits: engine.computedTraits,
      events: new AudienceEvents({ sources: engine.sources, identity: engine.identity }),
      clock,
      maxChunk: 2,
    });
    const created = await audiences.create(workspaceId, { name: 'edited', rule: BEFORE });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    /** Round r: plan changes and orders for a few people, changing their membership. */
    const round = (r: number) =>
      collect(
        Array.from({ length: 8 }, (_, k) => (r * 37 + k * 11) % PEOPLE).flatMap((i) => [
          { type: 'identify', userId: `u${i}`, traits: { plan: PLANS[(i + r + 1) % 3] } },
          ...((i + r) % 2 === 0 ? [{ type: 'track', userId: `u${i}`, event: 'Order Completed' }] : []),
        ]),
      );
    return { workspaceId, audienceId: created.value.id, audiences, round };
  }

  async function settle() {
    for (let i = 0; i < 2; i++) {
      await engine.pipeline.catchUp();
      await engine.segment.catchUp();
    }
  }

  /** Members now, by user id, and the audience's Entered / Exited events per user, in log order. */
  async function outcome(workspaceId: string, audienceId: string) {
    const users = await engine.store.db
      .selectFrom('profile_identifiers')
      .select(['profile_id', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', 'user_id')
      .execute();
    const userOf = new Map(users.map((u) => [u.profile_id, u.value]));
    const members = await engine.store.db
      .selectFrom('audience_members')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('audience_id', '=', audienceId)
      .where('exited_at', 'is', null)
      .execute();
    const events = await engine.store.db
      .selectFrom('events')
      .select(['event', 'payload'])
      .where('workspace_id', '=', workspaceId)
      .where('event', 'in', [AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT])
      .orderBy('seq')
      .execute();
    const history = new Map<string, string[]>();
    for (const e of events) {
      const { properties } = fromJson<{ properties: { audienceId: string; profileId: string } }>(e.payload);
      if (properties.audienceId !== audienceId) continue;
      const user = userOf.get(properties.profileId) ?? properties.profileId;
      history.set(user, [...(history.get(user) ?? []), e.event === AUDIENCE_ENTERED_EVENT ? 'in' : 'out']);
    }
    return { members: members.map((m) => userOf.get(m.profile_id)).sort(), history };
  }

  it('ends as a serial run would, with no Entered / Exited event duplicated or missing', async () => {
    // Serial: every round processed, then the edit.
    const serial = await setUp();
    for (let r = 0; r < ROUNDS; r++) await serial.round(r);
    await settle();
    await serial.audiences.update(serial.workspaceId, serial.audienceId, { rule: AFTER });
    await settle();

    // Concurrent: the same rounds ingested and processed by segment batches during the edit.
    const raced = await setUp();
    let editing = true;
    let batchesWhileEditing = 0;
    const off = engine.segment.onChanges(() => {
      if (editing) batchesWhileEditing++;
    });
    await raced.round(0);
    const batches = (async () => {
      for (let r = 1; r <= ROUNDS; r++) {
        await settle();
        if (r < ROUNDS) await raced.round(r);
      }
    })();
    await raced.audiences.update(raced.workspaceId, raced.audienceId, { rule: AFTER });
    editing = false;
    await batches;
    await settle();
    off();
    expect(batchesWhileEditing).toBeGreaterThan(0);

    const expected = await outcome(serial.workspaceId, serial.audienceId);
    const got = await outcome(raced.workspaceId, raced.audienceId);
    expect(got.members.length).toBeGreaterThan(10);
    expect(got.members).toEqual(expected.members);
    // The SQL evaluator on the final facts agrees (a serial full evaluation would record this).
    const rule = compileRule(AFTER, { computedTraits: new Map(), audiences: new Map(), self: undefined });
    if (!rule.ok) throw new Error('rule');
    const { db } = engine.store;
    const meeting = await profilesMeeting({
      db,
      kind,
      workspaceId: raced.workspaceId,
      rule: rule.value,
      now,
    });
    expect(meeting).toHaveLength(got.members.length);
    // Every person's events alternate in, out, in…, and the last one says what they are now.
    for (const [user, events] of got.history) {
      expect(events, user).toEqual(events.map((_, i) => (i % 2 === 0 ? 'in' : 'out')));
      expect(events.at(-1) === 'in', user).toBe(got.members.includes(user));
    }
    for (const user of got.members) expect(got.history.get(user)?.at(-1), user).toBe('in');
  });
});
