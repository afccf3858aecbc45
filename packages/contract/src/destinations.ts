import { z } from 'zod';
import { PropertyConditionSchema } from './audiences.js';
import { PurposeKeySchema } from './consent.js';

// Destination types and their configuration: shared by the engine (validation, transports) and
// the web UI (forms). The destinations domain adds subscriptions, purposes and the API shapes.

/** Every destination type. */
export const DESTINATION_TYPES = [
  'webhook',
  'nats',
  'amqp',
  'redis-stream',
  'warehouse',
  'audience-file',
] as const;
export const DestinationTypeSchema = z.enum(DESTINATION_TYPES);
export type DestinationType = z.infer<typeof DestinationTypeSchema>;

/** What a delivery tells the other side happened. */
export const DELIVERY_TYPES = ['event', 'audience.entered', 'audience.exited', 'trait.changed'] as const;
export const DeliveryTypeSchema = z.enum(DELIVERY_TYPES);
export type DeliveryType = z.infer<typeof DeliveryTypeSchema>;

const UrlSchema = z.string().trim().min(1).max(2000);

export const WebhookConfigSchema = z.object({
  url: UrlSchema.describe('http(s) URL the deliveries are POSTed to'),
  secret: z.string().min(1).max(500).optional().describe('HMAC-SHA256 key of X-Tandem-Signature'),
  headers: z.record(z.string().min(1).max(200), z.string().max(2000)).optional(),
  /** When set, up to `maxSize` deliveries go in one POST as `{"batch": [body, …]}`. */
  batch: z
    .object({
      maxSize: z.number().int().min(1).max(1000),
      maxWaitMs: z.number().int().min(0).max(60_000).default(0),
    })
    .optional(),
});

export const NatsConfigSchema = z.object({
  url: UrlSchema.describe('nats://host:port'),
  subject: z.string().min(1).max(500),
});

export const AmqpConfigSchema = z.object({
  url: UrlSchema.describe('amqp://user:password@host:port/vhost'),
  exchange: z.string().max(255),
  routingKey: z.string().max(255),
});

export const RedisStreamConfigSchema = z.object({
  url: UrlSchema.describe('redis://host:port'),
  stream: z.string().min(1).max(500),
  /** Approximate cap of the stream's length (XADD MAXLEN ~). */
  maxLength: z.number().int().positive().optional(),
});

export const WarehouseConfigSchema = z.object({
  engine: z.enum(['postgres', 'mysql']),
  url: UrlSchema.describe('postgres://… or mysql://…'),
  schema: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'a schema name of letters, digits and _' }),
});

export const AUDIENCE_FILE_FORMATS = [
  'csv',
  'ndjson',
  'google-customer-match',
  'meta-custom-audience',
] as const;
export const AudienceFileConfigSchema = z.object({
  format: z.enum(AUDIENCE_FILE_FORMATS),
  /** A folder on the server's machine; absent: files are kept in the store, downloaded from the API. */
  directory: z.string().min(1).max(1000).optional(),
});

/**
 * Types that keep what they receive (a warehouse's tables, audience files): filled by a full sync
 * (`POST /api/v1/destinations/{id}/sync`), then kept up to date by deliveries. A test checks them
 * instead of sending a sample, which would stay there.
 */
export const SYNCED_DESTINATION_TYPES = [
  'warehouse',
  'audience-file',
] as const satisfies readonly DestinationType[];

/** Whether a destination of this type has a full sync (see SYNCED_DESTINATION_TYPES). */
export function hasFullSync(type: DestinationType): boolean {
  return (SYNCED_DESTINATION_TYPES as readonly DestinationType[]).includes(type);
}

/** Each type's configuration. */
export const DESTINATION_CONFIG_SCHEMAS = {
  webhook: WebhookConfigSchema,
  nats: NatsConfigSchema,
  amqp: AmqpConfigSchema,
  'redis-stream': RedisStreamConfigSchema,
  warehouse: WarehouseConfigSchema,
  'audience-file': AudienceFileConfigSchema,
} as const satisfies Record<DestinationType, z.ZodType>;

export type DestinationConfig<T extends DestinationType = DestinationType> = z.infer<
  (typeof DESTINATION_CONFIG_SCHEMAS)[T]
>;

/**
 * Configuration fields encrypted at rest and never returned (a URL's password is masked
 * instead: `nats://user:***@host`).
 */
export const DESTINATION_SECRET_FIELDS: Record<DestinationType, readonly string[]> = {
  webhook: ['secret', 'headers'],
  nats: ['url'],
  amqp: ['url'],
  'redis-stream': ['url'],
  warehouse: ['url'],
  'audience-file': [],
};

// ---------------------------------------------------------------------------------------------
// API shapes of /api/v1/destinations (destinations domain).

/** A consent purpose a destination needs (`marketing`, `analytics`, …): a consent purpose key. */
export const PurposeNameSchema = PurposeKeySchema;

/** A JSONata expression reshaping the delivery body (it sees the body as `$`). */
export const MappingSchema = z
  .string()
  .min(1)
  .max(20_000)
  .describe('JSONata expression over the delivery body; its result is sent instead');

export const MAX_SUBSCRIPTIONS = 50;
export const MAX_SUBSCRIPTION_WHERE = 20;

/** Events of the log: by call type, event name and property conditions (the audience rule language). */
export const EventSubscriptionSchema = z
  .strictObject({
    kind: z.literal('event'),
    filter: z
      .strictObject({
        type: z.enum(['identify', 'track', 'page', 'screen', 'group', 'alias']).optional(),
        event: z.string().min(1).max(200).optional(),
        where: z.array(PropertyConditionSchema).max(MAX_SUBSCRIPTION_WHERE).optional(),
      })
      .default({}),
    mapping: MappingSchema.optional(),
  })
  .meta({ id: 'EventSubscription' });

export const AUDIENCE_TRANSITIONS = ['entered', 'exited'] as const;
/** A profile entering / leaving an audience. */
export const AudienceSubscriptionSchema = z
  .strictObject({
    kind: z.literal('audience'),
    audienceId: z.string().min(1).max(100),
    on: z.array(z.enum(AUDIENCE_TRANSITIONS)).min(1).max(2).default(['entered', 'exited']),
    mapping: MappingSchema.optional(),
  })
  .meta({ id: 'AudienceSubscription' });

/** A computed trait's value changing; `traits` absent: any computed trait. */
export const TraitSubscriptionSchema = z
  .strictObject({
    kind: z.literal('trait'),
    traits: z.array(z.string().min(1).max(200)).max(100).optional(),
    mapping: MappingSchema.optional(),
  })
  .meta({ id: 'TraitSubscription' });

export const SubscriptionSchema = z
  .discriminatedUnion('kind', [EventSubscriptionSchema, AudienceSubscriptionSchema, TraitSubscriptionSchema])
  .meta({ id: 'Subscription' });
export type Subscription = z.infer<typeof SubscriptionSchema>;
export type EventSubscription = z.infer<typeof EventSubscriptionSchema>;
export type AudienceSubscription = z.infer<typeof AudienceSubscriptionSchema>;
export type TraitSubscription = z.infer<typeof TraitSubscriptionSchema>;

/** Per-destination limits of the dispatcher. */
export const DestinationLimitsSchema = z
  .strictObject({
    /** Sends (or batches) in flight at once to this destination. */
    concurrency: z.number().int().min(1).max(256).default(16),
    /** Deliveries per second at most; absent: unlimited. */
    ratePerSecond: z.number().positive().max(1_000_000).optional(),
  })
  .meta({ id: 'DestinationLimits' });
export type DestinationLimits = z.infer<typeof DestinationLimitsSchema>;

const DestinationNameSchema = z.string().trim().min(1).max(200);

/**
 * `POST /api/v1/destinations`. `config` is validated against the type's schema
 * (DESTINATION_CONFIG_SCHEMAS); secret fields are encrypted at rest.
 */
export const CreateDestinationSchema = z
  .object({
    name: DestinationNameSchema,
    type: DestinationTypeSchema,
    config: z.record(z.string(), z.unknown()),
    /** Consent purposes a profile must have granted to be sent to this destination. */
    purposes: z.array(PurposeNameSchema).max(20).default([]),
    subscriptions: z.array(SubscriptionSchema).max(MAX_SUBSCRIPTIONS).default([]),
    enabled: z.boolean().default(true),
    limits: DestinationLimitsSchema.optional(),
  })
  .meta({ id: 'CreateDestination' });
export type CreateDestination = z.input<typeof CreateDestinationSchema>;

/**
 * `PATCH /api/v1/destinations/{id}`: any field but `type`. A `config` replaces the stored one,
 * except secrets: a secret field left out, or answered back masked (`***`, or a URL whose
 * password is `***`), keeps its stored value; a header whose value is `***` keeps its value.
 */
export const UpdateDestinationSchema = z
  .object({
    name: DestinationNameSchema.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    purposes: z.array(PurposeNameSchema).max(20).optional(),
    subscriptions: z.array(SubscriptionSchema).max(MAX_SUBSCRIPTIONS).optional(),
    enabled: z.boolean().optional(),
    limits: DestinationLimitsSchema.optional(),
  })
  .meta({ id: 'UpdateDestination' });
export type UpdateDestination = z.input<typeof UpdateDestinationSchema>;

/** Where a delivery is: waiting its first try, retrying, given up, sent, or not sent (consent, deletion). */
export const DELIVERY_STATUSES = ['pending', 'failed', 'dead', 'delivered', 'skipped'] as const;
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const DeliveryCountsSchema = z
  .object({
    pending: z.number().int(),
    failed: z.number().int(),
    dead: z.number().int(),
    delivered: z.number().int(),
    skipped: z.number().int(),
  })
  .meta({ id: 'DeliveryCounts' });
export type DeliveryCounts = z.infer<typeof DeliveryCountsSchema>;

/**
 * A destination as answered: secrets never (secret fields are left out of `config` and named in
 * `secrets`; header values and URL passwords read `***`).
 */
export const DestinationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: DestinationTypeSchema,
    config: z.record(z.string(), z.unknown()),
    /** The secret fields that hold a value (e.g. `["secret"]`). */
    secrets: z.array(z.string()),
    purposes: z.array(z.string()),
    subscriptions: z.array(SubscriptionSchema),
    enabled: z.boolean(),
    limits: DestinationLimitsSchema,
    /** Deliveries by status (within the delivery log's retention). */
    deliveries: DeliveryCountsSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Destination' });
export type Destination = z.infer<typeof DestinationSchema>;

/** One delivery of the log (`GET /api/v1/destinations/{id}/deliveries`). */
export const DeliverySchema = z
  .object({
    /** Stable across retries and replays: `X-Tandem-Delivery-Id`. */
    id: z.string(),
    destinationId: z.string(),
    profileId: z.string(),
    type: DeliveryTypeSchema,
    status: DeliveryStatusSchema,
    /** Sends tried so far. */
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    /** The last answer's HTTP status (webhooks), when there was one. */
    lastStatusCode: z.number().int().nullable(),
    /** The last attempt's duration. */
    latencyMs: z.number().nullable(),
    /** When its cause happened. */
    occurredAt: z.string(),
    /** When the outbox row was written. */
    createdAt: z.string(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });
export type Delivery = z.infer<typeof DeliverySchema>;

/** One delivery with what is sent (`GET /api/v1/destinations/{id}/deliveries/{deliveryId}`). */
export const DeliveryDetailSchema = DeliverySchema.extend({
  body: z.record(z.string(), z.unknown()),
}).meta({ id: 'DeliveryDetail' });
export type DeliveryDetail = z.infer<typeof DeliveryDetailSchema>;

export const DeliveryListQuerySchema = z.object({
  status: DeliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().min(1).optional(),
});
export type DeliveryListQuery = z.infer<typeof DeliveryListQuerySchema>;

/**
 * `POST /api/v1/destinations/{id}/replay`: these deliveries (one or more), or every delivery of
 * the destination with these statuses (default: dead), optionally created in [since, until).
 * Replayed deliveries keep their id, start again at attempt 1, and are re-checked for consent.
 */
export const ReplayRequestSchema = z
  .object({
    deliveryIds: z.array(z.string().min(1)).min(1).max(1000).optional(),
    status: z
      .array(z.enum(['failed', 'dead', 'skipped', 'delivered']))
      .min(1)
      .optional(),
    since: z.iso.datetime().optional(),
    until: z.iso.datetime().optional(),
  })
  .meta({ id: 'ReplayRequest' });
export type ReplayRequest = z.infer<typeof ReplayRequestSchema>;
export const ReplayResultSchema = z.object({ replayed: z.number().int() }).meta({ id: 'ReplayResult' });
export type ReplayResult = z.infer<typeof ReplayResultSchema>;

/**
 * `POST /api/v1/destinations/{id}/test`: builds the body a sample event would send (the
 * subscription's mapping applied: `subscription` indexes `subscriptions`, or `mapping` tries an
 * unsaved one), and with `send: true` sends it once, now (delivery id `test_…`, no retries). A
 * warehouse or audience-file destination is checked instead (connection, schema or folder
 * writable): nothing is written to it.
 */
export const DestinationTestRequestSchema = z
  .object({
    /** An event as tracked (`{type: "track", event, properties, …}`); absent: a built-in sample. */
    sample: z.record(z.string(), z.unknown()).optional(),
    subscription: z.number().int().min(0).max(MAX_SUBSCRIPTIONS).optional(),
    mapping: MappingSchema.optional(),
    send: z.boolean().default(false),
  })
  .meta({ id: 'DestinationTestRequest' });
export type DestinationTestRequest = z.input<typeof DestinationTestRequestSchema>;

export const DestinationTestResultSchema = z
  .object({
    /** The webhook body before any mapping. */
    body: z.record(z.string(), z.unknown()),
    /** What would be sent: the mapping's result, or `body`; null when the mapping failed. */
    mapped: z.unknown().nullable(),
    /** The mapping's error, as a sentence. */
    mappingError: z.string().nullable(),
    /** Present when `send` was asked. */
    sent: z
      .object({
        ok: z.boolean(),
        status: z.number().int().nullable(),
        error: z.string().nullable(),
        latencyMs: z.number(),
        /**
         * Warehouse and audience-file destinations keep what they receive, so the sample is not
         * written: what was checked instead, as a sentence (`ok` and `error` are its outcome).
         */
        checked: z.string().optional(),
      })
      .optional(),
  })
  .meta({ id: 'DestinationTestResult' });
export type DestinationTestResult = z.infer<typeof DestinationTestResultSchema>;

/** `POST /api/v1/destinations/mapping-test`: a mapping tried on a sample, without a destination. */
export const MappingTestRequestSchema = z
  .object({ mapping: MappingSchema, sample: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: 'MappingTestRequest' });
export const MappingTestResultSchema = DestinationTestResultSchema.omit({ sent: true }).meta({
  id: 'MappingTestResult',
});
