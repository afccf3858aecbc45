import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_TYPES, isWellFormedCall, TrackingCallSchema } from './tracking.js';

// Values each member may take: right and wrong types, edge lengths, real and broken dates.
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
  fc.constant(''),
  fc.constant('x'.repeat(500)),
  fc.constant('x'.repeat(501)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(
    '2026-03-01T12:00:00.000Z',
    '2026-03-01T12:00:00+02:00',
    '2026-03-01T12:00:00',
    '2026-02-30T12:00:00Z',
    '2026-03-01',
    'yesterday',
  ),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant(Object.create({ inherited: true })),
);

const MEMBERS = [
  'messageId',
  'anonymousId',
  'userId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'context',
  'integrations',
  'event',
  'properties',
  'traits',
  'name',
  'category',
  'groupId',
  'previousId',
  'extra',
] as const;

// Mostly absent members: a call with every member random would almost never be well formed.
const ABSENT = Symbol('absent');
const member = fc.oneof({ weight: 4, arbitrary: fc.constant(ABSENT) }, { weight: 3, arbitrary: anyValue });
const callLike = fc
  .record({
    type: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...CALL_TYPES) },
      { weight: 1, arbitrary: anyValue },
    ),
    ...Object.fromEntries(MEMBERS.map((name) => [name, member])),
  })
  .map((call) => Object.fromEntries(Object.entries(call).filter(([, value]) => value !== ABSENT)));

describe('isWellFormedCall', () => {
  it('vouches only for calls the schema returns unchanged', () => {
    let vouched = 0;
    fc.assert(
      fc.property(callLike, (call) => {
        if (!isWellFormedCall(call)) return;
        vouched++;
        const parsed = TrackingCallSchema.safeParse(call);
        expect(parsed.success).toBe(true);
        // toEqual: a member left undefined is no member in JSON, the form calls are stored in.
        expect(parsed.data).toEqual(call);
      }),
      { numRuns: 20_000 },
    );
    // The generator must reach the vouching path, or this test proves little.
    expect(vouched).toBeGreaterThan(100);
  });

  it('vouches for the calls SDKs send', () => {
    const common = {
      messageId: 'm-1',
      anonymousId: 'a-1',
      timestamp: '2026-03-01T12:00:00.000Z',
      sentAt: '2026-03-01T12:00:01.000Z',
      context: { library: { name: 'analytics-node', version: '2' } },
      integrations: {},
    };
    for (const call of [
      { ...common, type: 'identify', userId: 42, traits: { email: 'a@example.com' } },
      { ...common, type: 'track', event: 'Order Completed', properties: { total: 42 } },
      { ...common, type: 'page', name: 'Home', properties: { path: '/' } },
      { ...common, type: 'screen', name: 'Settings', category: null },
      { ...common, type: 'group', groupId: 'co-9', traits: { name: 'Acme' } },
      { ...common, type: 'alias', userId: 'u-1', previousId: 'a-1' },
    ]) {
      expect(isWellFormedCall(call)).toBe(true);
    }
  });

  it('leaves what the schema refuses to the schema', () => {
    expect(isWellFormedCall({ type: 'track', event: '' })).toBe(false);
    expect(isWellFormedCall({ type: 'track', event: 'E', timestamp: '2026-02-30T00:00:00Z' })).toBe(false);
    expect(isWellFormedCall({ type: 'alias', userId: 'u' })).toBe(false);
    expect(isWellFormedCall({ type: 'identify', userId: 'x'.repeat(501) })).toBe(false);
    expect(isWellFormedCall({ type: 'group', groupId: Number.NaN })).toBe(false);
    expect(isWellFormedCall({ type: 'nope' })).toBe(false);
    expect(isWellFormedCall([])).toBe(false);
  });
});
