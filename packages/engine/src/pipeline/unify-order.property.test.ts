import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { createWorkspace } from '../workspaces/index.js';

type Call = Record<string, unknown>;

/**
 * Random people, each with at most one user id, one email and three anonymous ids (within the
 * default limits), and random calls naming some of them. Any delivery order must give the
 * same partition of identifiers into profiles and the same traits.
 */
const peopleCalls = fc
  .array(
    fc.record({
      person: fc.integer({ min: 0, max: 5 }),
      ids: fc.subarray(['user', 'email', 'anon0', 'anon1', 'anon2'], { minLength: 1 }),
      identify: fc.boolean(),
      plan: fc.constantFrom('free', 'pro', 'team'),
      more: fc.subarray(['age', 'city', 'zone']),
      second: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((specs) =>
    specs.map((spec, i): Call => {
      const id = (name: string) => (spec.ids.includes(name) ? `${name}-${spec.person}` : undefined);
      const anonymousId =
        id('anon0') ?? id('anon1') ?? id('anon2') ?? (id('user') ? undefined : `anon0-${spec.person}`);
      const email = id('email') && `p${spec.person}@example.com`;
      const traits = {
        ...(email ? { email } : {}),
        ...(spec.identify ? { plan: spec.plan } : {}),
        ...Object.fromEntries(spec.more.map((name) => [name, `${name} ${spec.plan}`])),
      };
      const context = {
        traits: email ? { email } : {},
        device: id('anon2') ? { id: `dev-${spec.person}` } : undefined,
      };
      const timestamp = `2024-01-01T00:00:0${spec.second}.000Z`;
      const common = { userId: id('user'), anonymousId, messageId: `msg-${i}`, timestamp };
      return spec.identify
        ? { type: 'identify', ...common, traits }
        : { type: 'track', event: 'E', ...common, context };
    }),
  );

async function unify(engine: Engine, calls: Call[], options: { stepwise: boolean }) {
  const workspace = await createWorkspace(engine.store, 'property');
  const source = await engine.sources.create(workspace.id, { name: 'p' });
  // One call per request: each arrives as its own commit, in this order.
  for (const call of calls) {
    await engine.collector.collect({
      source: { workspaceId: workspace.id, sourceId: source.id },
      calls: [call],
      request: {},
    });
    // Stepwise: one pipeline batch per event; otherwise one batch for all.
    if (options.stepwise) await engine.pipeline.catchUp();
  }
  await engine.pipeline.catchUp();
  const profiles: string[] = [];
  for (let page = await engine.profiles.list(workspace.id, { limit: 1000 }); ; ) {
    for (const p of page.data) {
      const ids = p.identities.map((i) => `${i.type}:${i.value}`).sort();
      profiles.push(JSON.stringify({ ids, traits: Object.entries(p.traits).sort() }));
    }
    if (!page.nextCursor) break;
    page = await engine.profiles.list(workspace.id, { limit: 1000, cursor: page.nextCursor });
  }
  return profiles.sort();
}

/** The profiles of `unify`, each with only the `bound` trait names that sort first. */
function cutTraits(profiles: string[], bound: number): string[] {
  return profiles
    .map((profile) => {
      const { ids, traits } = JSON.parse(profile) as { ids: string[]; traits: [string, unknown][] };
      return JSON.stringify({ ids, traits: traits.slice(0, bound) });
    })
    .sort();
}

describe.each(ENGINES)('identity and traits do not depend on arrival order on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  let bounded: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    bounded = await openTestEngine(kind, { pipeline: { maxTraitsPerProfile: 2 } });
  });
  afterAll(async () => {
    await engine.dispose();
    await bounded.dispose();
  });

  it('gives the same partition and traits for any delivery order', async () => {
    await fc.assert(
      fc.asyncProperty(
        peopleCalls.chain((calls) =>
          fc.tuple(fc.constant(calls), fc.shuffledSubarray(calls, { minLength: calls.length })),
        ),
        async ([calls, shuffled]) => {
          expect(await unify(engine, shuffled, { stepwise: true })).toEqual(
            await unify(engine, calls, { stepwise: false }),
          );
        },
      ),
      { numRuns: kind === 'sqlite' ? 60 : 20 },
    );
  }, 120_000);

  it('keeps, in any delivery order, the trait names that sort first when profiles pass their bound', async () => {
    let cut = 0;
    await fc.assert(
      fc.asyncProperty(
        peopleCalls.chain((calls) =>
          fc.tuple(fc.constant(calls), fc.shuffledSubarray(calls, { minLength: calls.length })),
        ),
        async ([calls, shuffled]) => {
          const unboundedProfiles = await unify(engine, calls, { stepwise: false });
          const expected = cutTraits(unboundedProfiles, 2);
          if (expected.join() !== unboundedProfiles.join()) cut += 1;
          expect(await unify(bounded, shuffled, { stepwise: true })).toEqual(expected);
          expect(await unify(bounded, calls, { stepwise: false })).toEqual(expected);
        },
      ),
      { numRuns: kind === 'sqlite' ? 40 : 15 },
    );
    // The bound was reached, not only respected.
    expect(cut).toBeGreaterThan(5);
  }, 180_000);
});
