import {
  CALL_TYPES,
  isWellFormedCall,
  MAX_CALL_BYTES,
  type RejectionCode,
  type TrackingCall,
  TrackingCallSchema,
} from '@tandem/contract';
import type { Result } from '../errors/index.js';
import { newId } from '../ids/index.js';
import type { AcceptedCall } from '../log/index.js';
import { mayHoldUnportableText, toPortableText, toPortableValue } from '../store/index.js';
import { type CallLimits, callLimitProblem, DEFAULT_CALL_LIMITS } from './call-limits.js';
import { resolveCallTimes } from './call-timestamps.js';
import { enrichContext, type RequestInfo } from './enrich-context.js';
import { isJsonObject } from './is-json-object.js';

/** Why a call is refused: a code of the catalogue and a sentence naming the field. */
export interface CallProblem {
  readonly code: RejectionCode;
  readonly message: string;
}

/** Batch-level fields, applied to each call that lacks them. */
export interface SharedFields {
  readonly context?: unknown;
  readonly integrations?: unknown;
  readonly sentAt?: unknown;
}

/** What every call of one request shares, computed once per request. */
export interface RequestScope {
  readonly shared: SharedFields | undefined;
  readonly request: RequestInfo;
  readonly received: { readonly ms: number; readonly iso: string };
  /** Bounds on each call's shape. Default: DEFAULT_CALL_LIMITS. */
  readonly limits?: CallLimits | undefined;
}

type Issue = NonNullable<ReturnType<typeof TrackingCallSchema.safeParse>['error']>['issues'][number];

const TIME_FIELDS = new Set(['timestamp', 'originalTimestamp', 'sentAt']);

/**
 * Validates one Segment call and turns it into the event to store: identities as strings, a
 * messageId, the four times, the enriched context. Never throws, whatever `raw` is.
 */
export function normalizeCall(raw: unknown, scope: RequestScope): Result<AcceptedCall, CallProblem> {
  if (!isJsonObject(raw)) return refuse('invalid_call', 'A call must be a JSON object');
  const input = withSharedFields(raw, scope.shared);
  let call: TrackingCall;
  // The common case skips the schema: isWellFormedCall vouches the schema would return it as is.
  if (isWellFormedCall(input)) call = input as TrackingCall;
  else {
    const parsed = TrackingCallSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: problemOf(parsed.error.issues[0], input) };
    call = parsed.data;
  }
  const overLimit = callLimitProblem(call, scope.limits ?? DEFAULT_CALL_LIMITS);
  if (overLimit !== undefined) return { ok: false, error: overLimit };

  const userId = idText(call.userId);
  const anonymousId = idText(call.anonymousId);
  const extraIds: Record<string, string> = {};
  if (call.type === 'alias') {
    if (userId === null) return refuse('missing_field', 'An alias call needs `userId`, the new id');
    const previousId = idText(call.previousId);
    if (previousId === null) return refuse('missing_field', 'An alias call needs `previousId`, the old id');
    extraIds.previousId = previousId;
  } else if (userId === null && anonymousId === null) {
    return refuse('missing_identity', 'A call needs `userId` or `anonymousId` (a string or a number)');
  }
  if (call.type === 'group') {
    const groupId = idText(call.groupId);
    if (groupId === null) return refuse('missing_field', 'A group call needs `groupId`');
    extraIds.groupId = groupId;
  }

  const times = resolveCallTimes(call, scope.received);
  if ('invalidField' in times) {
    return refuse('invalid_timestamp', `\`${times.invalidField}\` is not a usable date-time`);
  }

  const id = newId('event');
  // A call without messageId cannot be a retry of another: its event id is unique enough.
  const messageId = idText(call.messageId) ?? id;
  // Object.assign, not `{ ...call, more }`: V8 turns the spread-then-extend copy into a slow
  // dictionary object (measured: several µs per call on the hot path).
  const payload = Object.assign({}, call, extraIds, {
    messageId,
    userId: userId ?? undefined,
    anonymousId: anonymousId ?? undefined,
    timestamp: times.timestamp,
    originalTimestamp: times.originalTimestamp ?? undefined,
    sentAt: times.sentAt ?? undefined,
    receivedAt: times.receivedAt,
    context: enrichContext(call.context, scope.request),
    // The write key is a credential, not part of the event.
    writeKey: undefined,
  });
  let payloadJson = jsonOf(payload);
  if (payloadJson === undefined) return refuse('invalid_call', 'The call holds values JSON cannot represent');
  if (mayHoldUnportableText(payloadJson)) {
    payloadJson = JSON.stringify(toPortableValue(payload));
  }
  // Measured on the stored form; UTF-8 takes at most 3 bytes per UTF-16 unit, so short JSON skips counting.
  const bytes = payloadJson.length * 3 <= MAX_CALL_BYTES ? 0 : Buffer.byteLength(payloadJson);
  if (bytes > MAX_CALL_BYTES) {
    return refuse(
      'call_too_large',
      `The call is ${bytes} bytes as JSON; at most ${MAX_CALL_BYTES} are accepted`,
    );
  }

  const event = call.type === 'track' ? toPortableText(call.event) : null;
  const { timestamp, originalTimestamp, sentAt, receivedAt } = times;
  return {
    ok: true,
    value: {
      id,
      messageId,
      type: call.type,
      event,
      userId,
      anonymousId,
      timestamp,
      originalTimestamp,
      sentAt,
      receivedAt,
      payloadJson,
    },
  };
}

/** The call with the batch's `context`, `integrations` and `sentAt` where it has none. */
function withSharedFields(call: Record<string, unknown>, shared: SharedFields | undefined) {
  if (
    shared === undefined ||
    ((call.context != null || shared.context == null) &&
      (call.integrations != null || shared.integrations == null) &&
      (call.sentAt != null || shared.sentAt == null))
  ) {
    return call;
  }
  return Object.assign({}, call, {
    context: call.context ?? shared.context,
    integrations: call.integrations ?? shared.integrations,
    sentAt: call.sentAt ?? shared.sentAt,
  });
}

/** An identifier as stored: numbers become strings; empty means absent. */
function idText(id: string | number | null | undefined): string | null {
  if (id == null) return null;
  const text = toPortableText(typeof id === 'number' ? String(id) : id);
  return text === '' ? null : text;
}

function problemOf(issue: Issue | undefined, call: Record<string, unknown>): CallProblem {
  // String(): a path may hold symbols, which join() would throw on.
  const field = issue?.path.map(String).join('.') ?? '';
  if (issue === undefined || field === '') return { code: 'invalid_call', message: 'The call is invalid' };
  if (field === 'type') {
    return { code: 'invalid_call_type', message: `\`type\` must be one of ${CALL_TYPES.join(', ')}` };
  }
  if (TIME_FIELDS.has(field)) {
    return { code: 'invalid_timestamp', message: `\`${field}\` must be ${issue.message}` };
  }
  return issue.path.length === 1 && call[field] == null
    ? { code: 'missing_field', message: `\`${field}\` is required: ${issue.message}` }
    : { code: 'invalid_field', message: `\`${field}\` must be ${issue.message}` };
}

/** JSON text, or undefined for what only a non-HTTP caller can pass (a BigInt, a cycle). */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function refuse(code: RejectionCode, message: string): { ok: false; error: CallProblem } {
  return { ok: false, error: { code, message } };
}
