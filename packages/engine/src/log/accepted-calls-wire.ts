import type { CallType } from '@tandem/contract';
import type { AcceptedCall } from './log-writer.js';

/**
 * Accepted calls as they cross from a preparation thread: every field of every call in one
 * string, with their lengths beside it (-1 for null). Structured clone of 100 objects costs the
 * receiving thread ~1.5 µs per call; one string and one Int32Array cost ~0.3 µs.
 */
export interface AcceptedCallsWire {
  readonly text: string;
  readonly lengths: Int32Array<ArrayBuffer>;
}

const FIELDS = [
  'id',
  'messageId',
  'type',
  'event',
  'userId',
  'anonymousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
  'payloadJson',
] as const satisfies readonly (keyof AcceptedCall)[];

/** The calls on the wire: the one they were decoded from when they are all of it, in order. */
export function wireOf(calls: readonly AcceptedCall[]): AcceptedCallsWire {
  const wire = calls[0] instanceof AcceptedCallView ? calls[0].wire : undefined;
  const whole =
    wire !== undefined &&
    wire.lengths.length === calls.length * FIELDS.length &&
    calls.every(
      (call, i) => call instanceof AcceptedCallView && call.wire === wire && call.first === i * FIELDS.length,
    );
  return whole ? wire : encodeAcceptedCalls(calls);
}

export function encodeAcceptedCalls(calls: readonly AcceptedCall[]): AcceptedCallsWire {
  const lengths = new Int32Array(calls.length * FIELDS.length);
  const parts: string[] = [];
  let at = 0;
  for (const call of calls) {
    for (const field of FIELDS) {
      const value = call[field];
      if (value === null) lengths[at++] = -1;
      else {
        lengths[at++] = value.length;
        parts.push(value);
      }
    }
  }
  return { text: parts.join(''), lengths };
}

/**
 * The calls, each a view over the wire: a field is cut from the text only when read (by the
 * insert, just before SQLite copies it). Calls wait for their commit across garbage
 * collections; views keep the young generation's survivors to one small object per call.
 */
export function decodeAcceptedCalls(wire: AcceptedCallsWire): AcceptedCall[] {
  const count = wire.lengths.length / FIELDS.length;
  const calls = new Array<AcceptedCall>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    calls[i] = new AcceptedCallView(wire, i * FIELDS.length, offset);
    for (let field = 0; field < FIELDS.length; field++) {
      offset += Math.max(0, wire.lengths[i * FIELDS.length + field] as number);
    }
  }
  return calls;
}

/** One call of a wire; its fields in FIELDS' order from `start` in the text. */
class AcceptedCallView implements AcceptedCall {
  constructor(
    readonly wire: AcceptedCallsWire,
    readonly first: number,
    private readonly start: number,
  ) {}

  private field(index: number): string | null {
    const { text, lengths } = this.wire;
    const length = lengths[this.first + index] as number;
    if (length < 0) return null;
    let from = this.start;
    for (let before = 0; before < index; before++)
      from += Math.max(0, lengths[this.first + before] as number);
    return text.slice(from, from + length);
  }

  // What the encoder wrote as non-null comes back non-null.
  get id() {
    return this.field(0) as string;
  }
  get messageId() {
    return this.field(1) as string;
  }
  get type() {
    return this.field(2) as CallType;
  }
  get event() {
    return this.field(3);
  }
  get userId() {
    return this.field(4);
  }
  get anonymousId() {
    return this.field(5);
  }
  get timestamp() {
    return this.field(6) as string;
  }
  get originalTimestamp() {
    return this.field(7);
  }
  get sentAt() {
    return this.field(8);
  }
  get receivedAt() {
    return this.field(9) as string;
  }
  get payloadJson() {
    return this.field(10) as string;
  }
}
