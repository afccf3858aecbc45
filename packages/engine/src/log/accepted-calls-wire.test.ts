import { CALL_TYPES } from '@tandem/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAcceptedCalls,
  encodeAcceptedCalls,
  keepReadable,
  releaseText,
  stillReadable,
  wireOf,
} from './accepted-calls-wire.js';
import type { AcceptedCall } from './log-writer.js';

// Any text, nulls where the log allows them: the wire must give back exactly what it was given.
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const acceptedCall: fc.Arbitrary<AcceptedCall> = fc.record({
  id: text,
  messageId: text,
  type: fc.constantFrom(...CALL_TYPES),
  event: fc.option(text),
  userId: fc.option(text),
  anonymousId: fc.option(text),
  timestamp: text,
  originalTimestamp: fc.option(text),
  sentAt: fc.option(text),
  receivedAt: text,
  payloadJson: text,
});

describe('accepted calls on the wire', () => {
  it('come back field for field, nulls and empty strings included', () => {
    fc.assert(
      fc.property(fc.array(acceptedCall, { maxLength: 20 }), (calls) => {
        const wire = structuredClone(encodeAcceptedCalls(calls));
        const decoded = decodeAcceptedCalls(wire);
        expect(decoded.length).toBe(calls.length);
        decoded.forEach((call, i) => {
          const sent = calls[i] as AcceptedCall;
          for (const field of Object.keys(sent) as (keyof AcceptedCall)[]) {
            expect(call[field]).toBe(sent[field]);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('keep some calls of a wire, in order, field for field', () => {
    fc.assert(
      fc.property(
        fc.array(acceptedCall, { maxLength: 20 }),
        fc.array(fc.boolean(), { maxLength: 20 }),
        (calls, keep) => {
          const decoded = decodeAcceptedCalls(structuredClone(encodeAcceptedCalls(calls)));
          const kept = decoded.filter((_, i) => keep[i] ?? true);
          // Read, then let go of (an admission does both): the bytes give the text back.
          keepReadable(decoded);
          releaseText(decoded);
          const sent = calls.filter((_, i) => keep[i] ?? true);
          // As the log writer thread receives it: the whole wire naming the calls kept.
          const again = decodeAcceptedCalls(structuredClone(wireOf(kept)));
          expect(again.length).toBe(sent.length);
          again.forEach((call, i) => {
            for (const field of Object.keys(sent[i] as AcceptedCall) as (keyof AcceptedCall)[]) {
              expect(call[field]).toBe((sent[i] as AcceptedCall)[field]);
            }
          });
        },
      ),
    );
  });

  it('say when their bytes moved to another thread, and stay readable when kept so first', () => {
    const call: AcceptedCall = {
      id: 'evt_1',
      messageId: 'm-1',
      type: 'track',
      event: 'Moved',
      userId: 'u-1',
      anonymousId: null,
      timestamp: '2026-01-01T00:00:00.000Z',
      originalTimestamp: null,
      sentAt: null,
      receivedAt: '2026-01-01T00:00:00.000Z',
      payloadJson: '{"event":"Moved"}',
    };
    // Moving the bytes (as the log writer thread is handed them) leaves the sender's copy empty.
    const moveAway = (wire: ReturnType<typeof encodeAcceptedCalls>) =>
      structuredClone(wire.bytes, { transfer: [wire.bytes.buffer] });

    const unread = encodeAcceptedCalls([call]);
    const unreadCalls = decodeAcceptedCalls(unread);
    moveAway(unread);
    expect(stillReadable(unreadCalls)).toBe(false);
    expect(() => unreadCalls[0]?.event).toThrow(/moved to another thread/);

    const kept = encodeAcceptedCalls([call]);
    const keptCalls = decodeAcceptedCalls(kept);
    keepReadable(keptCalls);
    moveAway(kept);
    expect(stillReadable(keptCalls)).toBe(true);
    expect(keptCalls[0]?.event).toBe('Moved');
    expect(keptCalls[0]?.payloadJson).toBe('{"event":"Moved"}');

    // Handed over again (a failed commit retried): encoded anew when kept, refused when not,
    // never sent as the empty bytes left behind.
    const again = decodeAcceptedCalls(structuredClone(wireOf(keptCalls)));
    expect(again[0]?.messageId).toBe('m-1');
    expect(again[0]?.payloadJson).toBe('{"event":"Moved"}');
    expect(() => wireOf(unreadCalls)).toThrow(/moved to another thread/);
  });
});
