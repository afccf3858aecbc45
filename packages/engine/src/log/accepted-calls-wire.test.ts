import { CALL_TYPES } from '@tandem/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAcceptedCalls, encodeAcceptedCalls } from './accepted-calls-wire.js';
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
});
