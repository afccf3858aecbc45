import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine, trackingWorkspace } from '../testing/index.js';

const PEOPLE = ['a', 'b', 'c', 'd'];

/** One change of who grants marketing: an event's consent, an API decision, or the purpose's default. */
type Change =
  | { kind: 'event'; person: number; granted: boolean }
  | { kind: 'api'; person: number; granted: boolean }
  | { kind: 'default'; optIn: boolean };

const changeArbitrary: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('event' as const),
    person: fc.nat(PEOPLE.length - 1),
    granted: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('api' as const), person: fc.nat(PEOPLE.length - 1), granted: fc.boolean() }),
  fc.record({ kind: fc.constant('default' as const), optIn: fc.boolean() }),
);

// However consent changes (events through the pipeline, decisions through the API, the purpose's
// default edited), the members an audience requiring the purpose keeps in real time are the ones a
// fresh batch evaluation finds.
describe.each(ENGINES)('an audience requiring a purpose on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine.dispose());

  it('keeps the members a fresh evaluation finds, whatever the changes', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(changeArbitrary, { minLength: 1, maxLength: 8 }), async (changes) => {
        const { workspaceId, send } = await trackingWorkspace(engine);
        await send(...PEOPLE.map((userId, i) => ({ type: 'identify', userId, traits: { pro: i !== 3 } })));
        const rule = { trait: 'pro', op: 'eq' as const, value: true };
        const kept = await engine.audiences.create(workspaceId, {
          name: 'kept',
          rule,
          requiredPurpose: 'marketing',
        });
        if (!kept.ok) throw new Error('create failed');
        let minute = 0;
        for (const change of changes) {
          // Each decision later than the one before: the last one made wins.
          const at = new Date(Date.UTC(2024, 0, 1, 0, ++minute)).toISOString();
          if (change.kind === 'default')
            await engine.consent.updatePurpose(workspaceId, 'marketing', {
              defaultMode: change.optIn ? 'opt-in' : 'opt-out',
            });
          else if (change.kind === 'event')
            await send({
              type: 'track',
              event: 'Consent Changed',
              userId: PEOPLE[change.person],
              timestamp: at,
              context: { consent: { categoryPreferences: { marketing: change.granted } } },
            });
          else {
            const { id } = await engine.profiles.lookup(workspaceId, 'user_id', PEOPLE[change.person] ?? '');
            await engine.consent.record(workspaceId, id, {
              purposes: { marketing: change.granted },
              source: 'api',
              decidedAt: at,
            });
          }
        }
        const fresh = await engine.audiences.create(workspaceId, {
          name: 'fresh',
          rule,
          requiredPurpose: 'marketing',
        });
        if (!fresh.ok) throw new Error('create failed');
        const membersOf = async (audienceId: string) =>
          (await engine.audiences.members(workspaceId, audienceId, { limit: 10 })).data.map(
            (m) => m.profileId,
          );
        const expected = await membersOf(fresh.value.id);
        if (expected.length > 0) nonEmpty++;
        expect(await membersOf(kept.value.id)).toEqual(expected);
      }),
      { numRuns: 12 },
    );
    // Not only the trivial case: some runs end with members.
    expect(nonEmpty).toBeGreaterThan(0);
  });
});
