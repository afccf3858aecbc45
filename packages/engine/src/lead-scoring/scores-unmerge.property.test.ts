import type { LeadScoringSettings } from '@tandem/contract';
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

const RULES: LeadScoringSettings = {
  rules: [
    { name: 'Pro', group: 'fit', condition: { trait: 'plan', op: 'eq', value: 'pro' }, points: 20 },
    { name: 'Purchases', group: 'engagement', condition: { event: 'Purchase' }, points: 7, perEvent: true },
    { name: 'Refunded', group: 'engagement', condition: { event: 'Refund' }, points: -5 },
    {
      name: 'Big spender',
      group: 'engagement',
      condition: { computedTrait: 'spent', op: 'gte', value: 100 },
      points: 11,
    },
  ],
  groupCaps: { engagement: 30 },
};

const personCall = fc.record({
  person: fc.constantFrom(0, 1),
  kind: fc.constantFrom('purchase', 'purchase', 'refund', 'identify', 'page'),
  amount: fc.integer({ min: 10, max: 60 }),
  plan: fc.constantFrom('free', 'pro'),
});

/** Calls of both people in any order, the call that links them somewhere, the unmerge later. */
const scenario = fc
  .array(personCall, { minLength: 1, maxLength: 8 })
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
      const common = {
        [field]: value,
        messageId: `m${i}`,
        timestamp: `2024-01-0${1 + (i % 9)}T00:00:00.000Z`,
      };
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
    return { first, calls, linkAt, unmergeAt: Math.min(calls.length, linkAt + unmergeAfter), link };
  });

describe.each(ENGINES)('lead scores through merge then unmerge on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  async function workspace() {
    const { id: workspaceId } = await createWorkspace(engine.store, `ws ${Math.random()}`);
    const source = await engine.sources.create(workspaceId, { name: 'web' });
    const spent = await engine.computedTraits.create(workspaceId, {
      name: 'spent',
      kind: 'sum',
      event: 'Purchase',
      property: 'amount',
    });
    if (!spent.ok) throw new Error(JSON.stringify(spent.error));
    const saved = await engine.leadScoring.update(workspaceId, RULES);
    if (!saved.ok) throw new Error(JSON.stringify(saved.error));
    const send = async (calls: readonly Call[]) => {
      await engine.collector.collect({
        source: { workspaceId, sourceId: source.id },
        calls: [...calls],
        request: {},
      });
      await engine.pipeline.catchUp();
    };
    /** Each person's score and breakdown, by person (ids differ between workspaces). */
    const scores = async () => {
      const result = [];
      for (const { type, value } of PEOPLE) {
        const profile = await engine.profiles.lookup(workspaceId, type, value);
        const { total, fit, engagement, breakdown } = await engine.leadScoring.scoreOf(
          workspaceId,
          profile.id,
        );
        result.push({ person: value, total, fit, engagement, breakdown });
      }
      return result;
    };
    return { workspaceId, send, scores };
  }

  it('ends with the scores of never merging, whatever the order', async () => {
    let merged = 0;
    let differedWhileMerged = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ first, calls, linkAt, unmergeAt, link }) => {
        const apart = await workspace();
        await apart.send(first);
        let apartAtUnmerge: unknown;
        for (const [i, call] of calls.entries()) {
          if (i === unmergeAt) apartAtUnmerge = await apart.scores();
          await apart.send([call]);
        }
        const expected = await apart.scores();
        apartAtUnmerge ??= expected;

        const joined = await workspace();
        await joined.send(first);
        for (let i = 0; i <= calls.length; i++) {
          if (i === linkAt) await joined.send([link]);
          if (i === unmergeAt) {
            const survivor = await engine.profiles.lookup(joined.workspaceId, 'user_id', 'u0');
            const [merge] = await engine.identity.mergesOf(joined.workspaceId, survivor.id);
            if (!merge) throw new Error('the link merged nobody');
            merged += 1;
            if (JSON.stringify(await joined.scores()) !== JSON.stringify(apartAtUnmerge))
              differedWhileMerged += 1;
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
        expect(await joined.scores()).toEqual(expected);
      }),
      { numRuns: 12 },
    );
    // Exercised: merges happened, and while merged the scores were those of one person.
    expect(merged).toBe(12);
    expect(differedWhileMerged).toBeGreaterThan(0);
  }, 180_000);
});
