import type { CallType } from '@tandem/contract';
import type { AcceptedCall } from './log-writer.js';

/**
 * Accepted calls as they cross between threads: every field of every call one after another,
 * as UTF-8 bytes, with the fields' lengths beside them (-1 for null): cheaper for the receiving
 * thread than a structured clone of objects. Bytes, not a string: they move from a preparation
 * thread without a copy and stay outside the event loop's heap, which only reads the calls when
 * a debugger follows the source (as strings they outlived young collections, whose pauses made
 * most of the batch p99; figures in docs/architecture.md).
 */
export interface AcceptedCallsWire {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Each field's length in UTF-16 code units of the decoded text; -1 for null. */
  readonly lengths: Int32Array<ArrayBuffer>;
  /** The calls of the wire that go on, by position, ascending; absent: all of them. */
  readonly kept?: Int32Array<ArrayBuffer> | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

/**
 * The calls on the wire: the one they were decoded from when they are all of it, in order, and
 * its bytes are still here. Calls whose bytes already went to another thread (a commit there
 * failed and is retried) are encoded again if they were kept readable, and refused if not.
 */
export function wireOf(calls: readonly AcceptedCall[]): AcceptedCallsWire {
  const decoded = calls[0] instanceof AcceptedCallView ? calls[0].decoded : undefined;
  const whole =
    decoded !== undefined &&
    !decoded.moved &&
    decoded.wire.lengths.length === calls.length * FIELDS.length &&
    calls.every(
      (call, i) =>
        call instanceof AcceptedCallView && call.decoded === decoded && call.first === i * FIELDS.length,
    );
  if (whole) return decoded.wire;
  // Some calls of one wire, in order (an admission refused others): the wire goes as it came,
  // naming the calls kept, while its bytes are still here; once they moved, the kept calls' text
  // is cut from the decoded text and encoded once, at a fraction of encoding each field again.
  const subset =
    decoded?.readable &&
    calls.every(
      (call, i) =>
        call instanceof AcceptedCallView &&
        call.decoded === decoded &&
        (i === 0 || call.first > (calls[i - 1] as AcceptedCallView).first),
    );
  if (!subset) return encodeAcceptedCalls(calls);
  const views = calls as readonly AcceptedCallView[]; // checked just above
  if (!decoded.moved && decoded.wire.kept === undefined) {
    const kept = Int32Array.from(views, (call) => call.first / FIELDS.length);
    return { bytes: decoded.wire.bytes, lengths: decoded.wire.lengths, kept };
  }
  return subsetWire(decoded, views);
}

/** The wire of some views of `decoded`, in their order (checked by wireOf). */
function subsetWire(decoded: DecodedWire, calls: readonly AcceptedCallView[]): AcceptedCallsWire {
  const source = decoded.wire.lengths;
  const lengths = new Int32Array(calls.length * FIELDS.length);
  const parts: string[] = [];
  const { text } = decoded;
  calls.forEach((call, i) => {
    let length = 0;
    for (let field = 0; field < FIELDS.length; field++) {
      const fieldLength = source[call.first + field] as number;
      lengths[i * FIELDS.length + field] = fieldLength;
      length += Math.max(0, fieldLength);
    }
    parts.push(text.slice(call.start, call.start + length));
  });
  return { bytes: encoder.encode(parts.join('')) as Uint8Array<ArrayBuffer>, lengths };
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
  // Text with lone surrogates comes back with U+FFFD in their place, of the same length: what
  // SQLite and PostgreSQL would have stored of it anyway.
  return { bytes: encoder.encode(parts.join('')) as Uint8Array<ArrayBuffer>, lengths };
}

/** A wire and, once a field is read, its text. */
class DecodedWire {
  private decodedText: string | undefined;
  private readonly byteLength: number;

  constructor(readonly wire: AcceptedCallsWire) {
    this.byteLength = wire.bytes.byteLength;
  }

  /** Whether the bytes went to another thread (they read as empty here since). */
  get moved(): boolean {
    return this.wire.bytes.byteLength !== this.byteLength;
  }

  /** Whether the text can still be read here: decoded already, or its bytes not moved away. */
  get readable(): boolean {
    return this.decodedText !== undefined || !this.moved;
  }

  /** Drops the decoded text while the bytes are still here to decode it again. */
  release(): void {
    if (!this.moved) this.decodedText = undefined;
  }

  get text(): string {
    if (this.decodedText === undefined) {
      // Bytes that moved to another thread read as empty: never pass that off as the calls.
      if (!this.readable) {
        throw new Error("The accepted calls' bytes moved to another thread before they were read");
      }
      this.decodedText = decoder.decode(this.wire.bytes);
    }
    return this.decodedText;
  }
}

/**
 * Keeps calls readable on this thread after their wire has moved to another (the log writer
 * thread takes the bytes it is handed, see log-writer-thread.ts).
 */
export function keepReadable(calls: readonly AcceptedCall[]): void {
  for (const call of calls) if (call instanceof AcceptedCallView) void call.decoded.text;
}

/**
 * Lets go of the text of calls read on this thread (an admission read them) while their bytes are
 * still here: until their commit, the text would otherwise live on the event loop's heap.
 */
export function releaseText(calls: readonly AcceptedCall[]): void {
  for (const call of calls) if (call instanceof AcceptedCallView) call.decoded.release();
}

/** Whether every call can still be read on this thread (see keepReadable). */
export function stillReadable(calls: readonly AcceptedCall[]): boolean {
  return calls.every((call) => !(call instanceof AcceptedCallView) || call.decoded.readable);
}

/**
 * The buffers of wires' bytes, to move to another thread instead of copying them (the lengths,
 * a few KB, are copied: views read them along with the text).
 */
export function transferablesOf(wires: readonly AcceptedCallsWire[]): ArrayBuffer[] {
  return [...new Set(wires.map(({ bytes }) => bytes.buffer))];
}

/**
 * The calls, each a view over the wire: the bytes are decoded when a first field is read, and
 * a field is cut from the text only then (by the insert, just before SQLite copies it). Calls
 * wait for their commit across garbage collections; views keep the young generation's
 * survivors to one small object per call.
 */
export function decodeAcceptedCalls(wire: AcceptedCallsWire): AcceptedCall[] {
  const decoded = new DecodedWire(wire);
  const count = wire.lengths.length / FIELDS.length;
  const calls = new Array<AcceptedCall>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    calls[i] = new AcceptedCallView(decoded, i * FIELDS.length, offset);
    for (let field = 0; field < FIELDS.length; field++) {
      offset += Math.max(0, wire.lengths[i * FIELDS.length + field] as number);
    }
  }
  return wire.kept === undefined ? calls : Array.from(wire.kept, (at) => calls[at] as AcceptedCall);
}

/** One call of a wire; its fields in FIELDS' order from `start` in the text. */
class AcceptedCallView implements AcceptedCall {
  constructor(
    readonly decoded: DecodedWire,
    readonly first: number,
    readonly start: number,
  ) {}

  private field(index: number): string | null {
    const { lengths } = this.decoded.wire;
    const length = lengths[this.first + index] as number;
    if (length < 0) return null;
    let from = this.start;
    for (let before = 0; before < index; before++)
      from += Math.max(0, lengths[this.first + before] as number);
    return this.decoded.text.slice(from, from + length);
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
