import { CALL_TYPES, MAX_CALL_BYTES, REJECTION_CODES } from '@tandem/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeCall, type RequestScope } from './normalize-call.js';

const received = new Date('2026-03-01T12:00:00.000Z');
const scope: RequestScope = {
  shared: undefined,
  request: {},
  received: { ms: received.getTime(), iso: received.toISOString() },
};

function accept(call: unknown, within: RequestScope = scope) {
  const verdict = normalizeCall(call, within);
  if (!verdict.ok) throw new Error(`refused: ${verdict.error.code} ${verdict.error.message}`);
  return { ...verdict.value, payload: JSON.parse(verdict.value.payloadJson) };
}

function refusal(call: unknown) {
  const verdict = normalizeCall(call, scope);
  if (verdict.ok) throw new Error('accepted');
  return verdict.error;
}

describe('normalizeCall', () => {
  it('stringifies numeric identities, generates a missing messageId and drops the write key', () => {
    const event = accept({ type: 'identify', userId: 42, writeKey: 'wk_secret', traits: { plan: 'pro' } });
    expect(event.userId).toBe('42');
    expect(event.payload.userId).toBe('42');
    expect(event.messageId).toBe(event.id);
    expect(event.payloadJson).not.toContain('wk_secret');
    expect(event.payload.traits).toEqual({ plan: 'pro' });
  });

  it('keeps the ids of group and alias calls as strings', () => {
    expect(accept({ type: 'group', anonymousId: 'a', groupId: 7 }).payload.groupId).toBe('7');
    const alias = accept({ type: 'alias', userId: 'new', previousId: 99 });
    expect(alias.payload.previousId).toBe('99');
    expect(alias.userId).toBe('new');
  });

  it('corrects the device clock skew when sentAt is present', () => {
    // The device clock is 1 h ahead: it says it sent at 13:00 an event it saw at 12:59:50.
    const event = accept({
      type: 'track',
      event: 'Clicked',
      anonymousId: 'a',
      timestamp: '2026-03-01T12:59:50.000Z',
      sentAt: '2026-03-01T13:00:00.000Z',
    });
    expect(event.timestamp).toBe('2026-03-01T11:59:50.000Z');
    expect(event.originalTimestamp).toBe('2026-03-01T12:59:50.000Z');
    expect(event.sentAt).toBe('2026-03-01T13:00:00.000Z');
    expect(event.receivedAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('uses timestamp, then originalTimestamp, then receivedAt without sentAt', () => {
    const base = { type: 'page', anonymousId: 'a' };
    expect(accept({ ...base, timestamp: '2026-01-01T00:00:00+02:00' }).timestamp).toBe(
      '2025-12-31T22:00:00.000Z',
    );
    expect(accept({ ...base, originalTimestamp: '2026-01-01T00:00:00Z' }).timestamp).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(accept(base).timestamp).toBe(received.toISOString());
  });

  it('applies the batch context, integrations and sentAt only to calls lacking them', () => {
    const shared = {
      context: { locale: 'fr' },
      integrations: { All: false },
      sentAt: '2026-03-01T12:00:00Z',
    };
    const within = { ...scope, shared };
    const own = accept({ type: 'track', event: 'E', userId: 'u', context: { locale: 'de' } }, within);
    expect(own.payload.context).toMatchObject({ locale: 'de' });
    expect(own.payload.integrations).toEqual({ All: false });
    expect(own.sentAt).toBe('2026-03-01T12:00:00.000Z');
    expect(accept({ type: 'track', event: 'E', userId: 'u' }, within).payload.context).toMatchObject({
      locale: 'fr',
    });
  });

  it.each([
    [{ type: 'track', event: 'E' }, 'missing_identity', 'userId'],
    [{ type: 'track', userId: 'u' }, 'missing_field', '`event`'],
    [{ type: 'track', userId: 'u', event: '' }, 'invalid_field', '`event`'],
    [{ type: 'track', userId: { id: 1 }, event: 'E' }, 'invalid_field', '`userId`'],
    [{ type: 'identify', userId: 'u', traits: [1] }, 'invalid_field', '`traits`'],
    [{ type: 'group', userId: 'u' }, 'missing_field', '`groupId`'],
    [{ type: 'alias', userId: 'u' }, 'missing_field', '`previousId`'],
    [{ type: 'alias', previousId: 'p', anonymousId: 'a' }, 'missing_field', '`userId`'],
    [{ type: 'track', userId: 'u', event: 'E', timestamp: 'yesterday' }, 'invalid_timestamp', '`timestamp`'],
    [{ type: 'page', userId: 'u', sentAt: '2026-02-30T00:00:00Z' }, 'invalid_timestamp', '`sentAt`'],
    [{ type: 'purchase', userId: 'u' }, 'invalid_call_type', '`type`'],
    [{ userId: 'u' }, 'invalid_call_type', '`type`'],
    ['track', 'invalid_call', 'JSON object'],
  ])('refuses %j with %s naming the field', (call, code, field) => {
    const problem = refusal(call);
    expect(problem.code).toBe(code);
    expect(problem.message).toContain(field);
  });

  it('refuses a call larger than 32 KB serialized', () => {
    const call = { type: 'track', userId: 'u', event: 'E', properties: { blob: 'x'.repeat(MAX_CALL_BYTES) } };
    expect(refusal(call).code).toBe('call_too_large');
  });

  it('refuses a call over the properties, traits or depth limit, naming the limit and its setting', () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    const nested = (levels: number): Record<string, unknown> => {
      let value: Record<string, unknown> = { leaf: 1 };
      for (let i = 1; i < levels; i++) value = { [`l${i}`]: [value] }; // an object and an array per step
      return value;
    };
    const track = (properties: unknown) => ({ type: 'track', userId: 'u', event: 'E', properties });
    expect(refusal(track(keys(1001)))).toEqual({
      code: 'limit_exceeded',
      message:
        '`properties` holds 1,001 keys (nested keys count); the limit is 1,000 (TANDEM_MAX_PROPERTIES_PER_EVENT)',
    });
    expect(refusal(track({ a: keys(600), b: [keys(400)] })).message).toContain('holds 1,002 keys');
    expect(accept(track({ a: keys(599), b: [keys(399)] })).type).toBe('track');
    expect(refusal({ type: 'identify', userId: 'u', traits: keys(1001) })).toEqual({
      code: 'limit_exceeded',
      message:
        '`traits` holds 1,001 keys (nested keys count); the limit is 1,000 (TANDEM_MAX_TRAITS_PER_CALL)',
    });
    // `properties` is the first level, each step below adds an object and an array.
    expect(accept(track(nested(16))).type).toBe('track');
    expect(refusal(track(nested(17)))).toEqual({
      code: 'limit_exceeded',
      message:
        '`properties` nests objects and arrays deeper than the limit of 32 levels (TANDEM_MAX_CALL_DEPTH)',
    });
    const context = { type: 'track', userId: 'u', event: 'E', context: nested(5000) };
    expect(refusal(context).message).toMatch(/^`context` nests/);
  });

  it('applies the limits it is given, on every member of the call', () => {
    const limits = { maxPropertiesPerEvent: 2, maxTraitsPerCall: 1, maxDepth: 2 };
    const within = { ...scope, limits };
    const verdict = (call: unknown) => normalizeCall(call, within);
    expect(verdict({ type: 'track', userId: 'u', event: 'E', properties: { a: 1, b: 2 } }).ok).toBe(true);
    expect(
      verdict({ type: 'track', userId: 'u', event: 'E', properties: { a: 1, b: { c: 2 } } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'limit_exceeded', message: expect.stringContaining('the limit is 2') },
    });
    expect(verdict({ type: 'group', userId: 'u', groupId: 'g', traits: { a: 1, b: 2 } }).ok).toBe(false);
    expect(verdict({ type: 'page', anonymousId: 'a', integrations: { x: { y: { z: 1 } } } })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^`integrations` nests/) },
    });
  });

  it('replaces text PostgreSQL cannot hold (NUL, lone surrogates) everywhere', () => {
    const event = accept({
      type: 'track',
      userId: 'u\u0000x',
      event: 'E\ud800',
      properties: { 'k\u0000': 'v' },
    });
    expect(event.userId).toBe('ux');
    expect(event.event).toBe('E\ufffd');
    expect(event.payload.properties).toEqual({ k: 'v' });
    expect(event.payloadJson).not.toMatch(/\\u0000|\\ud800/);
  });
});

describe('normalizeCall never throws', () => {
  // Mostly plausible values, sometimes anything: mutations of valid calls.
  const mostly = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: fc.jsonValue(), weight: 1 });
  const anyText = fc.string({ unit: 'binary' });
  const dateTime = fc
    .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString());
  const identity = mostly(fc.oneof(anyText, fc.integer(), fc.constant(null)));
  const mutatedCall = fc.record(
    {
      type: mostly(fc.constantFrom(...CALL_TYPES)),
      userId: identity,
      anonymousId: identity,
      previousId: identity,
      groupId: identity,
      messageId: identity,
      event: mostly(anyText),
      timestamp: mostly(fc.oneof(dateTime, anyText)),
      sentAt: mostly(dateTime),
      context: mostly(
        fc.record({
          userAgent: anyText,
          page: fc.record({ url: anyText, search: anyText }),
          ip: fc.jsonValue(),
        }),
      ),
      properties: mostly(fc.dictionary(anyText, fc.jsonValue())),
      traits: mostly(fc.dictionary(anyText, fc.jsonValue())),
    },
    { requiredKeys: [] },
  );

  it('returns a verdict for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const verdict = normalizeCall(value, scope);
        expect(typeof verdict.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('returns a verdict for values JSON cannot even represent', () => {
    const weird = fc.anything({
      withBigInt: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withNullPrototype: true,
      withSparseArray: true,
      withTypedArray: true,
      withBoxedValues: true,
    });
    const call = fc.record({ type: fc.constantFrom(...CALL_TYPES), userId: fc.string(), properties: weird });
    fc.assert(
      fc.property(fc.oneof(weird, call), (value) => {
        expect(typeof normalizeCall(value, scope).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('returns a verdict for mutated calls, and accepted ones are well formed', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutatedCall, mostly(dateTime), (call, sentAt) => {
        const verdict = normalizeCall(call, { ...scope, shared: { context: { locale: 'en' }, sentAt } });
        if (!verdict.ok) {
          expect(REJECTION_CODES).toContain(verdict.error.code);
          return;
        }
        accepted++;
        const event = verdict.value;
        const payload = JSON.parse(event.payloadJson);
        expect(payload).toMatchObject({ type: event.type, messageId: event.messageId });
        expect(event.userId ?? event.anonymousId).toEqual(expect.any(String));
        expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
      }),
      { numRuns: 1000 },
    );
    // The generator must reach the accepting path too, or this test proves little.
    expect(accepted).toBeGreaterThan(50);
  });
});
