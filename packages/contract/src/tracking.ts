import { z } from 'zod';

// The Tracking API, Segment-compatible: https://segment.com/docs/connections/spec/
// Field errors read as "`field` must be <error>", so each `error` below is a noun phrase.

/** The six Segment call types. */
export const CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export const CallTypeSchema = z.enum(CALL_TYPES);
export type CallType = z.infer<typeof CallTypeSchema>;

/** Longest identifier (userId, messageId, …) accepted: it must fit a PostgreSQL index entry. */
export const MAX_ID_LENGTH = 500;
/** Largest call accepted, serialized as JSON (the Segment limit). */
export const MAX_CALL_BYTES = 32 * 1024;

const IdSchema = z.union(
  [z.string().max(MAX_ID_LENGTH, { error: `at most ${MAX_ID_LENGTH} characters` }), z.number()],
  { error: 'a string or a number' },
);
const JsonObjectSchema = z.record(z.string(), z.unknown(), { error: 'an object' });
const DateTimeSchema = z.iso.datetime({ offset: true, local: true, error: 'an ISO 8601 date-time' });
const NameSchema = z.string({ error: 'a string' });

/** Fields every call may carry; null counts as absent. */
const commonFields = {
  messageId: IdSchema.nullish().describe('Deduplication key per source; generated when missing'),
  anonymousId: IdSchema.nullish(),
  userId: IdSchema.nullish(),
  timestamp: DateTimeSchema.nullish(),
  originalTimestamp: DateTimeSchema.nullish(),
  sentAt: DateTimeSchema.nullish(),
  context: JsonObjectSchema.nullish(),
  integrations: JsonObjectSchema.nullish(),
};

export const IdentifyCallSchema = z
  .looseObject({ type: z.literal('identify'), ...commonFields, traits: JsonObjectSchema.nullish() })
  .meta({ id: 'IdentifyCall' });
export const TrackCallSchema = z
  .looseObject({
    type: z.literal('track'),
    ...commonFields,
    event: z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' }),
    properties: JsonObjectSchema.nullish(),
  })
  .meta({ id: 'TrackCall' });
export const PageCallSchema = z
  .looseObject({
    type: z.literal('page'),
    ...commonFields,
    name: NameSchema.nullish(),
    category: NameSchema.nullish(),
    properties: JsonObjectSchema.nullish(),
  })
  .meta({ id: 'PageCall' });
export const ScreenCallSchema = z
  .looseObject({
    type: z.literal('screen'),
    ...commonFields,
    name: NameSchema.nullish(),
    category: NameSchema.nullish(),
    properties: JsonObjectSchema.nullish(),
  })
  .meta({ id: 'ScreenCall' });
export const GroupCallSchema = z
  .looseObject({
    type: z.literal('group'),
    ...commonFields,
    groupId: IdSchema,
    traits: JsonObjectSchema.nullish(),
  })
  .meta({ id: 'GroupCall' });
export const AliasCallSchema = z
  .looseObject({ type: z.literal('alias'), ...commonFields, userId: IdSchema, previousId: IdSchema })
  .meta({ id: 'AliasCall' });

/**
 * One Segment call. Every call also needs `userId` or `anonymousId` (checked by the engine, as
 * it spans two fields); alias needs both `userId` and `previousId`.
 */
export const TrackingCallSchema = z
  .discriminatedUnion('type', [
    IdentifyCallSchema,
    TrackCallSchema,
    PageCallSchema,
    ScreenCallSchema,
    GroupCallSchema,
    AliasCallSchema,
  ])
  .meta({ id: 'TrackingCall' });
export type TrackingCall = z.infer<typeof TrackingCallSchema>;

/**
 * A fast, conservative check of one call: true only for a call TrackingCallSchema accepts as it
 * is (its output equal to the input). False means "ask the schema", which also explains why.
 * It spares the common call the schema's cost, a large share of collecting one.
 */
export function isWellFormedCall(call: unknown): boolean {
  if (!isPlainRecord(call)) return false;
  const c = call as Record<string, unknown>;
  if (
    !isOptionalId(c.messageId) ||
    !isOptionalId(c.anonymousId) ||
    !isOptionalDateTime(c.timestamp) ||
    !isOptionalDateTime(c.originalTimestamp) ||
    !isOptionalDateTime(c.sentAt) ||
    !isOptionalRecord(c.context) ||
    !isOptionalRecord(c.integrations)
  ) {
    return false;
  }
  switch (c.type) {
    case 'identify':
      return isOptionalId(c.userId) && isOptionalRecord(c.traits);
    case 'track':
      return (
        isOptionalId(c.userId) &&
        typeof c.event === 'string' &&
        c.event !== '' &&
        isOptionalRecord(c.properties)
      );
    case 'page':
    case 'screen':
      return (
        isOptionalId(c.userId) &&
        isOptionalString(c.name) &&
        isOptionalString(c.category) &&
        isOptionalRecord(c.properties)
      );
    case 'group':
      return isOptionalId(c.userId) && isId(c.groupId) && isOptionalRecord(c.traits);
    case 'alias':
      return isId(c.userId) && isId(c.previousId);
    default:
      return false;
  }
}

function isId(value: unknown): boolean {
  return typeof value === 'string' ? value.length <= MAX_ID_LENGTH : Number.isFinite(value);
}

function isOptionalId(value: unknown): boolean {
  return value == null || isId(value);
}

function isOptionalString(value: unknown): boolean {
  return value == null || typeof value === 'string';
}

/** An object as JSON.parse makes them; stricter than the schema's record (it also takes others). */
function isPlainRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isOptionalRecord(value: unknown): boolean {
  return value == null || isPlainRecord(value);
}

// A batch repeats one sentAt in every call: the last date-time the schema accepted is remembered.
let lastDateTime: string | undefined;

function isOptionalDateTime(value: unknown): boolean {
  if (value == null || value === lastDateTime) return true;
  if (typeof value !== 'string' || !DateTimeSchema.safeParse(value).success) return false;
  lastDateTime = value;
  return true;
}

/**
 * `POST /v1/batch` (and `/v1/import`). Calls are checked one by one, so an invalid call rejects
 * only itself; `context`, `integrations` and `sentAt` apply to every call lacking them.
 */
export const TrackingBatchSchema = z
  .looseObject({
    batch: z.array(z.unknown()).describe('Segment calls, each with its `type`'),
    context: JsonObjectSchema.nullish(),
    integrations: JsonObjectSchema.nullish(),
    sentAt: DateTimeSchema.nullish(),
    writeKey: z.string().optional(),
  })
  .meta({ id: 'TrackingBatch' });
export type TrackingBatch = z.infer<typeof TrackingBatchSchema>;

/** Why a call was refused; `message` names the field. */
export const REJECTION_CODES = [
  'invalid_call',
  'invalid_call_type',
  'missing_identity',
  'missing_field',
  'invalid_field',
  'invalid_timestamp',
  'call_too_large',
  'limit_exceeded',
  'suppressed',
  'tracking_plan',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** One refused call of a request, by its position in the request. */
export const CallRejectionSchema = z
  .object({ index: z.number().int(), code: z.enum(REJECTION_CODES), message: z.string() })
  .meta({ id: 'CallRejection' });
export type CallRejection = z.infer<typeof CallRejectionSchema>;

/** The Tracking API's answer: 200 even when some calls of a batch were refused. */
export const TrackingResponseSchema = z
  .object({ success: z.literal(true), rejected: z.array(CallRejectionSchema).optional() })
  .meta({ id: 'TrackingResponse' });
export type TrackingResponse = z.infer<typeof TrackingResponseSchema>;

/** An event as the log holds it: the normalized, enriched call plus its indexed fields. */
export const StoredEventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int().describe('Position in the log'),
    sourceId: z.string(),
    messageId: z.string(),
    type: CallTypeSchema,
    event: z.string().nullable(),
    userId: z.string().nullable(),
    anonymousId: z.string().nullable(),
    timestamp: z.string().describe('When it happened, corrected for the device clock skew'),
    originalTimestamp: z.string().nullable(),
    sentAt: z.string().nullable(),
    receivedAt: z.string(),
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'StoredEvent' });
export type StoredEvent = z.infer<typeof StoredEventSchema>;

/** A refused call, kept a few days for the source debugger. */
export const StoredRejectionSchema = z
  .object({
    seq: z.number().int(),
    sourceId: z.string(),
    code: z.enum(REJECTION_CODES),
    message: z.string(),
    payload: z.unknown().describe('The call as received (a preview string when too large)'),
    receivedAt: z.string(),
  })
  .meta({ id: 'StoredRejection' });
export type StoredRejection = z.infer<typeof StoredRejectionSchema>;

export const SourceStatsSchema = z
  .object({ events: z.number().int(), rejections: z.number().int(), lastEventAt: z.string().nullable() })
  .meta({ id: 'SourceStats' });
export type SourceStats = z.infer<typeof SourceStatsSchema>;
