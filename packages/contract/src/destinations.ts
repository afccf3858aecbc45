import { z } from 'zod';

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
