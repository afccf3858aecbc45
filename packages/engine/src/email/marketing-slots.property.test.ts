import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINES, openTestEngine } from '../testing/index.js';
import { type MarketingSlotClaim, MemoryMarketingSlots, StoreMarketingSlots } from './marketing-slots.js';

// The slots in memory (one process, SQLite) and in the store (processes sharing PostgreSQL) must
// answer alike: the same messages get their person's slot after any series of takes, releases
// and expiries. The store's are run on each engine (SQLite only uses memory, but the table and
// its statements are the same).

const HOLD_MS = 60_000;
const PEOPLE = ['prof_01a', 'prof_01b', 'prof_02a', 'prof_0zz'];

/** A pass's claims: people, each with one of their messages (a message goes to one person). */
const claims = fc.array(
  fc
    .record({ person: fc.constantFrom(...PEOPLE), n: fc.integer({ min: 0, max: 2 }) })
    .map(({ person, n }): MarketingSlotClaim => ({ profileId: person, messageId: `em_${person}_${n}` })),
  { minLength: 1, maxLength: 5 },
);
const step = fc.oneof(
  fc.record({
    kind: fc.constant('take' as const),
    claims,
    advance: fc.constantFrom(0, 1_000, HOLD_MS - 1, HOLD_MS),
  }),
  // Releases some of what the last takes granted (by position), as a settlement would.
  fc.record({ kind: fc.constant('release' as const), picks: fc.array(fc.nat(), { maxLength: 3 }) }),
);

describe.each(ENGINES)('marketing slots in memory and in the store on %s', (kind) => {
  let engine: Engine & { dispose(): Promise<void> };
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(() => engine?.dispose());

  it('grant the same messages after any takes, releases and expiries', async () => {
    let runs = 0;
    let contended = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const workspaceId = `ws_slots_${++runs}`;
        const memory = new MemoryMarketingSlots(HOLD_MS);
        const stored = new StoreMarketingSlots(engine.store, HOLD_MS);
        let now = Date.parse('2026-04-06T10:00:00.000Z');
        let granted: MarketingSlotClaim[] = [];
        for (const next of steps) {
          if (next.kind === 'take') {
            now += next.advance;
            const inMemory = await memory.take(workspaceId, next.claims, now);
            const inStore = await stored.take(workspaceId, next.claims, now);
            expect([...inStore].sort()).toEqual([...inMemory].sort());
            // One slot per person, whatever a pass claims.
            const people = next.claims.filter((c) => inMemory.has(c.messageId)).map((c) => c.profileId);
            expect(new Set(people).size).toBe(inMemory.size);
            // A person refused: another message held their slot.
            if (inMemory.size < new Set(next.claims.map((c) => c.profileId)).size) contended += 1;
            granted = next.claims.filter((c) => inMemory.has(c.messageId));
          } else {
            const held = next.picks.flatMap((i) => (granted.length ? [granted[i % granted.length]] : []));
            const settled = held.filter((slot): slot is MarketingSlotClaim => slot !== undefined);
            await memory.release(engine.store.db, workspaceId, settled);
            await engine.store.db.transaction().execute((trx) => stored.release(trx, workspaceId, settled));
          }
        }
      }),
      { numRuns: 60 },
    );
    // The runs met held slots, not only free ones.
    expect(contended).toBeGreaterThan(10);
  });
});
