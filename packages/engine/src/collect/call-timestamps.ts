/** The four times of a call, as stored (ISO 8601 UTC). */
export interface CallTimes {
  readonly timestamp: string;
  readonly originalTimestamp: string | null;
  readonly sentAt: string | null;
  readonly receivedAt: string;
}

/** The times as the call gave them (already checked to be ISO 8601 date-times by the schema). */
export interface SentTimes {
  readonly timestamp?: string | null | undefined;
  readonly originalTimestamp?: string | null | undefined;
  readonly sentAt?: string | null | undefined;
}

const ZONE = /(?:Z|[+-]\d\d:\d\d)$/i;
const MAX_DATE_MS = 8.64e15;
const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// Every call of a batch usually carries the batch's one sentAt: its last reading is remembered.
let lastText = '';
let lastMs = Number.NaN;

/** Milliseconds of an ISO 8601 date-time; one without a zone is read as UTC. NaN if invalid. */
export function parseDateTime(text: string): number {
  if (text === lastText) return lastMs;
  lastMs = Date.parse(ZONE.test(text) || !text.includes('T') ? text : `${text}Z`);
  lastText = text;
  return lastMs;
}

/**
 * Resolves the call's times. With `sentAt` the device clock's skew is corrected:
 * timestamp = receivedAt − (sentAt − (timestamp ?? originalTimestamp ?? sentAt)).
 * Returns the name of the offending field when one is not a real date.
 */
export function resolveCallTimes(
  sent: SentTimes,
  received: { readonly ms: number; readonly iso: string },
): CallTimes | { readonly invalidField: string } {
  const timestamp = optionalDateTime(sent.timestamp);
  const original = optionalDateTime(sent.originalTimestamp);
  const sentAt = optionalDateTime(sent.sentAt);
  if (Number.isNaN(timestamp)) return { invalidField: 'timestamp' };
  if (Number.isNaN(original)) return { invalidField: 'originalTimestamp' };
  if (Number.isNaN(sentAt)) return { invalidField: 'sentAt' };

  const happened = timestamp ?? original;
  const corrected =
    sentAt === undefined ? (happened ?? received.ms) : received.ms - (sentAt - (happened ?? sentAt));
  // Only reachable with absurd clocks (a sentAt millennia away); a Date cannot hold the result.
  if (!(Math.abs(corrected) <= MAX_DATE_MS)) return { invalidField: 'sentAt' };
  const deviceTime = original ?? timestamp;
  return {
    timestamp: corrected === received.ms ? received.iso : new Date(corrected).toISOString(),
    // The device's own idea of when it happened, before the correction.
    originalTimestamp: isoOf(deviceTime, sent.originalTimestamp ?? sent.timestamp),
    sentAt: isoOf(sentAt, sent.sentAt),
    receivedAt: received.iso,
  };
}

/** ISO 8601 UTC of `ms`; the text as sent when already in that exact form (the common case). */
function isoOf(ms: number | undefined, sent: string | null | undefined): string | null {
  if (ms === undefined) return null;
  return sent && CANONICAL.test(sent) ? sent : new Date(ms).toISOString();
}

function optionalDateTime(text: string | null | undefined): number | undefined {
  return text == null ? undefined : parseDateTime(text);
}
