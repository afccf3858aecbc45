import { AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT } from '@tandem/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

type Call = Record<string, unknown>;

/** Two people: `u0` (a user id) and `a1` (an anonymous id). */
const PEOPLE = [
  { field: 'userId', value: 'u0', type: 'user_id' },
  { field: 'anonymousId', value: 'a1', type: 'anonymous_id' },
] as const;

const personCall = fc.record({
  person: fc.constantFrom(0, 1),
  kind: fc.constantFrom('purchase', 'purchase', 'refund', 'identify', 'page'),
  amount: fc.integer({ min: 10, max: 60 }),
  plan: fc.constantFrom('free', 'pro'),
  day: fc.integer({ min: 1, max: 9 }),
});

/**
 * Random calls of both people in any order (each has one call first, so both profiles exist
 * before the link), the call that links them at a random place, and the unmerge at a random
 * later one.
 */
const scenario = fc
  .array(personCall, { minLength: 1, maxLength: 10 })
  .chain((specs) =>
    fc.record({
      specs: fc.constant(specs),
      linkAt: fc.integer({ min: 0, max: specs.length }),
      unmergeAfter: fc.integer({ min: 0, max: specs.length }),
    }),
  )
  .map(({ specs, linkAt, unmergeAfter }) => {
    const calls = specs.map((spec, i): Call => {
      const { field, value } = PEOPLE[spec.person] ?? PEOPLE[0];
      const common = { [field]: value, messageId: `m${i}`, timestamp: `2024-01-0${spec.day}T00:00:00.000Z` };
      if (spec.kind === 'identify') return { type: 'identify', ...common, traits: { plan: spec.plan } };
      if (spec.kind === 'page') return { type: 'page', ...common };
      const event = spec.kind === 'purchase' ? 'Purchase' : 'Refund';
      return { type: 'track', event, ...common, properties: { amount: spec.amount } };
    });
    const first = PEOPLE.map(({ field, value }) => ({
      type: 'identify',
      [field]: value,
      messageId: `first-${value}`,
    }));
    const link = { type: 'track', event: 'Link', userId: 'u0', anonymousId: 'a1', messageId: 'link' };
    const unmergeAt = Math.min(calls.length, linkAt + unmergeAfter);
    return { first, calls, linkAt, unmergeAt, link };
  });

/**
 * What each person ends with, by name (ids differ between workspaces): traits, computed traits,
 * memberships, and the memberships their Audience Entered / Exited events tell — per audience,
 * the last such event. The log cannot take an event back, so merging then unmerging may leave
 * more events than never merging did; what a consumer of them learns must be the same.
 */
async function outcome(engine: Engine, workspaceId: string) {
  const audiences = await engine.audiences.list(workspaceId, { limit: 100 });
  const nameOf = new Map(audiences.data.map((a) => [a.id, a.name]));
  const told = new Map<string, Map<string, boolean>>();
  const rows = await engine.store.db
    .selectFrom('events')
    .select(['seq', 'event', 'payload'])
    .where('workspace_id', '=', workspaceId)
    .where('event', 'in', [AUDIENCE_ENTERED_EVENT, AUDIENCE_EXITED_EVENT])
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as {
      properties: { profileId: string; audienceId: string };
    };
    const { profileId, audienceId } = payload.properties;
    const ofProfile = told.get(profileId) ?? new Map<string, boolean>();
    told.set(profileId, ofProfile);
    ofProfile.set(nameOf.get(audienceId) ?? audienceId, row.event === AUDIENCE_ENTERED_EVENT);
  }
  const people = [];
  for (const { type, value } of PEOPLE) {
    const profile = await engine.profiles.lookup(workspaceId, type, value);
    const toldOf = told.get(profile.id) ?? new Map<string, boolean>();
    people.push({
      person: value,
      traits: profile.traits,
      computedTraits: profile.computedTraits,
      audiences: profile.audiences.map((a) => a.name).sort(),
      toldByEvents: [...toldOf]
        .filter(([, member]) => member)
        .map(([name]) => name)
        .sort(),
    });
  }
  return people;
}

describe.each(ENGINES)('merge then unmerge on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  // Each evaluation a second later: a re-entry never reuses an earlier event's message id.
  let now = Date.parse('2024-02-01T00:00:00.000Z');
  beforeAll(async () => {
    engine = await openTestEngine(kind, { segment: { clock: () => (now += 1000) } });
  });
  afterAll(() => engine.dispose());

  async function workspaceWithRules() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const traits = [
      { name: 'purchases', kind: 'count', event: 'Purchase' },
      { name: 'spent', kind: 'sum', event: 'Purchase', property: 'amount' },
      { name: 'refunds', kind: 'count', event: 'Refund' },
    ] as const;
    for (const trait of traits) {
      const created = await engine.computedTraits.create(workspaceId, trait);
      if (!created.ok) throw new Error(JSON.stringify(created.error));
    }
    const rules = [
      { name: 'Buyers', rule: { event: 'Purchase', count: { op: 'gte', value: 2 } } },
      { name: 'Pro', rule: { trait: 'plan', op: 'eq', value: 'pro' } },
      { name: 'Big spenders', rule: { computedTrait: 'spent', op: 'gte', value: 100 } },
      { name: 'Happy', rule: { all: [{ event: 'Purchase' }, { not: { event: 'Refund' } }] } },
    ] as const;
    for (const { name, rule } of rules) {
      const created = await engine.audiences.create(workspaceId, { name, rule });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
    }
    const send = async (calls: readonly Call[]) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: [...calls],
        request: {},
      });
      await engine.pipeline.catchUp();
    };
    return { workspaceId, send };
  }

  // The profile with fewer events is merged into the other: here the one that buys, so its
  // memberships end quietly at the merge, and the unmerge restores it.
  it.each(PEOPLE)('tells of $value leaving an audience it left while merged', async ({ field, value }) => {
    const { workspaceId, send } = await workspaceWithRules();
    await send(PEOPLE.map((p) => ({ type: 'identify', [p.field]: p.value, messageId: `first-${p.value}` })));
    const other = PEOPLE.find((p) => p.value !== value) ?? PEOPLE[0];
    await send([1, 2, 3].map((n) => ({ type: 'page', [other.field]: other.value, messageId: `view-${n}` })));
    await send([{ type: 'track', event: 'Purchase', [field]: value, messageId: 'buy' }]);
    await send([{ type: 'track', event: 'Link', userId: 'u0', anonymousId: 'a1', messageId: 'link' }]);
    await send([{ type: 'track', event: 'Refund', [field]: value, messageId: 'refund' }]);
    const survivor = await engine.profiles.lookup(workspaceId, 'user_id', 'u0');
    const [merge] = await engine.identity.mergesOf(workspaceId, survivor.id);
    if (!merge) throw new Error('the link merged nobody');
    await engine.pipeline.unmerge({ workspaceId, profileId: survivor.id, mergeId: merge.id });
    await engine.pipeline.catchUp();
    const people = await outcome(engine, workspaceId);
    for (const person of people) {
      const acted = person.person === value;
      expect(person).toMatchObject({
        computedTraits: { purchases: acted ? 1 : 0, refunds: acted ? 1 : 0 },
        audiences: [],
        toldByEvents: [],
      });
    }
  });

  it('ends every stage as if the two people had never been merged, whatever the order', async () => {
    let merged = 0;
    let differedWhileMerged = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ first, calls, linkAt, unmergeAt, link }) => {
        const apart = await workspaceWithRules();
        await apart.send(first);
        let apartAtUnmerge: unknown;
        for (const [i, call] of calls.entries()) {
          if (i === unmergeAt) apartAtUnmerge = await outcome(engine, apart.workspaceId);
          await apart.send([call]);
        }
        const expected = await outcome(engine, apart.workspaceId);
        apartAtUnmerge ??= expected;

        const joined = await workspaceWithRules();
        await joined.send(first);
        for (let i = 0; i <= calls.length; i++) {
          if (i === linkAt) await joined.send([link]);
          if (i === unmergeAt) {
            const survivor = await engine.profiles.lookup(joined.workspaceId, 'user_id', 'u0');
            const [merge] = await engine.identity.mergesOf(joined.workspaceId, survivor.id);
            if (!merge) throw new Error('the link merged nobody');
            merged += 1;
            const whileMerged = await outcome(engine, joined.workspaceId);
            if (JSON.stringify(whileMerged) !== JSON.stringify(apartAtUnmerge)) differedWhileMerged += 1;
            await engine.pipeline.unmerge({
              workspaceId: joined.workspaceId,
              profileId: survivor.id,
              mergeId: merge.id,
            });
            await engine.pipeline.catchUp();
          }
          const call = calls[i];
          if (call) await joined.send([call]);
        }
        expect(await outcome(engine, joined.workspaceId)).toEqual(expected);
      }),
      { numRuns: 15 },
    );
    // The property must have been exercised: merges happened and changed what people had.
    expect(merged).toBe(15);
    expect(differedWhileMerged).toBeGreaterThan(0);
  }, 180_000);
});
