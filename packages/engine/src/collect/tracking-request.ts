import type { CallRejection, CallType } from '@tandem/contract';
import { AppError } from '../errors/index.js';
import type { AcceptedCall, RejectedCall } from '../log/index.js';
import type { CallLimits } from './call-limits.js';
import type { RequestInfo } from './enrich-context.js';
import { isJsonObject } from './is-json-object.js';
import { normalizeCall, type RequestScope, type SharedFields } from './normalize-call.js';
import type { CallScreen, PreparationScreens, ScreenedCalls, ScreenFinding } from './preparation-screen.js';
import { rejectedCallOf } from './rejected-call.js';

/** Most calls one batch request may carry. */
export const MAX_BATCH_CALLS = 2500;

/** Which Tracking API endpoint a body was posted to: one call of a type, or a batch. */
export type TrackingRoute = CallType | 'batch';

/** A Tracking API request as received: the raw body and what the connection says. */
export interface RawTrackingRequest {
  readonly route: TrackingRoute;
  /** The body as UTF-8 bytes (already decompressed). */
  readonly body: Uint8Array;
  readonly request: RequestInfo;
  /** When the server received the request (ms since the epoch). */
  readonly receivedAtMs: number;
  /** The source, when the write key was resolved before the body was read: its calls are screened. */
  readonly sourceId?: string | undefined;
}

/** The calls of one request, validated, normalized and enriched: ready to append. */
export interface PreparedCalls {
  readonly events: AcceptedCall[];
  /** The refused calls, as kept for the source debugger. */
  readonly rejections: RejectedCall[];
  /** The refused calls, as answered to the caller (index in the request). */
  readonly rejected: CallRejection[];
  /** What a screen found in the calls as they were prepared (see preparation-screen.ts). */
  readonly screened?: ScreenedCalls | undefined;
}

export interface PreparedRequest extends PreparedCalls {
  /** How many calls the request held. */
  readonly calls: number;
  /** The `writeKey` member of the body, when it has one (Segment's HTTP API allows it there). */
  readonly writeKey: string | undefined;
}

const decoder = new TextDecoder();

/**
 * Reads a Tracking API body into prepared calls. Throws an AppError when the body as a whole is
 * unusable (not JSON, not an object, no batch array, too many calls); a bad call only rejects itself,
 * a call over `limits` too (default: DEFAULT_CALL_LIMITS).
 */
export function prepareRequest(
  raw: RawTrackingRequest,
  limits?: CallLimits,
  screens?: PreparationScreens,
): PreparedRequest {
  const screen = raw.sourceId === undefined ? undefined : screens?.screenOf(raw.sourceId);
  const body = parseBody(decoder.decode(raw.body));
  const writeKey = typeof body.writeKey === 'string' && body.writeKey !== '' ? body.writeKey : undefined;
  const received = { ms: raw.receivedAtMs, iso: new Date(raw.receivedAtMs).toISOString() };
  if (raw.route !== 'batch') {
    // The endpoint names the type, whatever the body says.
    const call = Object.assign({}, body, { type: raw.route });
    return {
      calls: 1,
      writeKey,
      ...prepareCalls([call], { shared: undefined, request: raw.request, received, limits }, screen),
    };
  }
  const { batch } = body;
  if (!Array.isArray(batch)) {
    throw new AppError('validation_failed', 'body.batch must be an array of calls', {
      details: [{ path: 'body.batch', message: 'must be an array' }],
    });
  }
  if (batch.length > MAX_BATCH_CALLS) {
    throw new AppError(
      'payload_too_large',
      `body.batch holds ${batch.length} calls; at most ${MAX_BATCH_CALLS} per request`,
    );
  }
  const shared: SharedFields = {
    context: body.context,
    integrations: body.integrations,
    sentAt: body.sentAt,
  };
  return {
    calls: batch.length,
    writeKey,
    ...prepareCalls(batch, { shared, request: raw.request, received, limits }, screen),
  };
}

/**
 * Validates and normalizes each call; the refused ones are listed with their index. A screen, when
 * given, looks at each call first and its findings are kept beside the calls.
 */
export function prepareCalls(
  calls: readonly unknown[],
  scope: RequestScope,
  screen?: CallScreen,
): PreparedCalls {
  const events: AcceptedCall[] = [];
  const rejections: RejectedCall[] = [];
  const rejected: CallRejection[] = [];
  let findings: Map<AcceptedCall, ScreenFinding> | undefined;
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index];
    const screened = screen && isJsonObject(call) ? screen.screen(call) : undefined;
    const verdict = normalizeCall(screened?.call ?? call, scope);
    if (verdict.ok) {
      events.push(verdict.value);
      if (screened) {
        findings ??= new Map();
        findings.set(verdict.value, screened.finding(verdict.value, index));
      }
    } else {
      rejected.push({ index, ...verdict.error });
      rejections.push(rejectedCallOf(call, verdict.error, scope.received.iso));
    }
  }
  if (!screen) return { events, rejections, rejected };
  return { events, rejections, rejected, screened: { key: screen.key, findings: findings ?? new Map() } };
}

// A member named __proto__ would become a prototype when calls are copied: refused, as Fastify
// refuses it. Any member name may be written with escapes, so text with none is the fast path.
const MAY_NAME_PROTO = /__proto__|\\u/;

/** The body's JSON object; Segment reads every body as JSON whatever its Content-Type. */
function parseBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = MAY_NAME_PROTO.test(text) ? JSON.parse(text, refuseProto) : JSON.parse(text);
  } catch (error) {
    if (error instanceof AppError) throw error;
    // The reviver walks the parsed value recursively: a body nested thousands of levels deep
    // overflows its stack. It is JSON, just too deep to read.
    if (error instanceof RangeError) {
      throw new AppError('validation_failed', 'body nests objects and arrays too deeply to be read', {
        details: [{ path: 'body', message: 'nests objects and arrays too deeply' }],
      });
    }
    throw new AppError('invalid_json', 'Body is not valid JSON');
  }
  if (!isJsonObject(body)) {
    throw new AppError('validation_failed', 'body must be a JSON object', {
      details: [{ path: 'body', message: 'must be a JSON object' }],
    });
  }
  return body;
}

function refuseProto(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new AppError('invalid_json', 'Body holds a member named "__proto__"');
  return value;
}
