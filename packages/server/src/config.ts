import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** One environment variable: how it is parsed, what it means, whether it is a secret. */
interface Setting<T extends z.ZodType> {
  readonly env: string;
  readonly schema: T;
  readonly description: string;
  readonly secret?: boolean;
}

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => value === '1' || value === 'true' || value === 'yes' || value === 'on');
const optionalString = z.string().min(1).optional();

/** Every environment variable Tandem reads, declared once. The README's table lists the same. */
export const SETTINGS = {
  port: {
    env: 'PORT',
    schema: z.coerce.number().int().min(0).max(65535).default(8080),
    description: 'HTTP port.',
  },
  host: { env: 'HOST', schema: z.string().default('0.0.0.0'), description: 'Interface to listen on.' },
  dataDir: {
    env: 'TANDEM_DATA_DIR',
    schema: z.string().default('./data'),
    description: 'Folder of the embedded SQLite database (used when DATABASE_URL is not set).',
  },
  audienceFilesDir: {
    env: 'TANDEM_AUDIENCE_FILES_DIR',
    schema: optionalString,
    description:
      "The folder audience-file destinations' `directory` must lie in, a relative one taken inside it (default: `audience-files` in the data folder).",
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    description: 'A postgres:// URL switches storage to PostgreSQL.',
    secret: true,
  },
  postgresPoolSize: {
    env: 'TANDEM_PG_POOL_SIZE',
    schema: z.coerce.number().int().min(1).max(500).default(10),
    description: 'PostgreSQL connection pool size per process.',
  },
  logLevel: {
    env: 'TANDEM_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'pino log level.',
  },
  adminEmail: {
    env: 'TANDEM_ADMIN_EMAIL',
    schema: z.email().optional(),
    description: 'First start only: the owner login (default admin@localhost).',
  },
  adminPassword: {
    env: 'TANDEM_ADMIN_PASSWORD',
    schema: z.string().min(8).optional(),
    description: "First start only: the owner's password (generated and printed when unset).",
    secret: true,
  },
  adminToken: {
    env: 'TANDEM_ADMIN_TOKEN',
    schema: z.string().min(16).optional(),
    description: 'First start only: an owner API token (generated and printed when unset).',
    secret: true,
  },
  writeKey: {
    env: 'TANDEM_WRITE_KEY',
    schema: z.string().min(8).optional(),
    description: "First start only: the default source's write key (generated and printed when unset).",
    secret: true,
  },
  trustProxy: {
    env: 'TANDEM_TRUST_PROXY',
    schema: bool.default(false),
    description: 'Trust X-Forwarded-For / X-Forwarded-Proto (set behind a reverse proxy).',
  },
  loginAttemptsPerWindow: {
    env: 'TANDEM_LOGIN_RATE_LIMIT',
    schema: z.coerce.number().int().min(1).default(10),
    description: 'Failed-or-not login attempts allowed per client IP and email per 15 minutes.',
  },
  loginLimiterKeys: {
    env: 'TANDEM_LOGIN_RATE_LIMIT_KEYS',
    schema: z.coerce.number().int().min(100).default(50_000),
    description:
      'Client IP + email pairs the login rate limiter remembers at most (the oldest are forgotten).',
  },
  maxQueuedEvents: {
    env: 'TANDEM_MAX_QUEUED_EVENTS',
    schema: z.coerce.number().int().min(100).default(50_000),
    description: 'Events waiting to be committed before the Tracking API answers 429 (backpressure).',
  },
  ingestThreads: {
    env: 'TANDEM_INGEST_THREADS',
    schema: z.coerce
      .number()
      .int()
      .min(0)
      .max(64)
      .default(() => Math.min(4, Math.max(1, availableParallelism() - 1))),
    description:
      'Threads that parse and validate Tracking API bodies of 4 KB and more, off the event loop (0: none; default: cores − 1, 1 to 4).',
  },
  maxPropertiesPerEvent: {
    env: 'TANDEM_MAX_PROPERTIES_PER_EVENT',
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    description:
      "Keys a call's `properties` may hold, those of nested objects included; a call with more is rejected.",
  },
  maxTraitsPerCall: {
    env: 'TANDEM_MAX_TRAITS_PER_CALL',
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    description:
      "Keys a call's `traits` may hold, those of nested objects included; a call with more is rejected.",
  },
  maxCallDepth: {
    env: 'TANDEM_MAX_CALL_DEPTH',
    schema: z.coerce.number().int().min(1).max(256).default(32),
    description:
      'Levels of objects and arrays any member of a call (properties, traits, context, …) may nest; a deeper call is rejected.',
  },
  maxTraitsPerProfile: {
    env: 'TANDEM_MAX_TRAITS_PER_PROFILE',
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    description:
      'Distinct traits a profile holds: past it, the trait names that sort first are kept and the others dropped (logged as a warning).',
  },
  maxPipelineLag: {
    env: 'TANDEM_MAX_PIPELINE_LAG',
    schema: z.coerce.number().int().min(0).default(1_000_000),
    description:
      'Events the pipeline may fall behind the log before the Tracking API answers 429 (0: no bound).',
  },
  runPipeline: {
    env: 'TANDEM_PIPELINE',
    schema: bool.default(true),
    description: 'Run the pipeline (identity, profiles) in this process; off for ingestion-only processes.',
  },
  pipelinePartitions: {
    env: 'TANDEM_PIPELINE_PARTITIONS',
    schema: z.coerce.number().int().min(1).max(1024).default(1),
    description:
      'PostgreSQL: workspaces are split into this many pipeline partitions, each leased by one process at a time (SQLite: always 1).',
  },
  analyticsCopy: {
    env: 'TANDEM_ANALYTICS_COPY',
    schema: bool.default(true),
    description:
      'Keep the analytics copy of the log (insights read it): the pipeline stage after segment. Off only to measure the pipeline without it.',
  },
  analyticsMemory: {
    env: 'TANDEM_ANALYTICS_MEMORY',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as 512MB or 2GB')
      .default('1GB'),
    description:
      'Embedded installs: memory DuckDB may use for the analytics copy (`analytics.duckdb` beside `tandem.db`) while an insight query runs; it spills to disk past it, and rests at 128MB between queries.',
  },
  secureCookies: {
    env: 'TANDEM_SECURE_COOKIES',
    schema: bool.default(false),
    description:
      'Always mark the session cookie Secure. It is Secure anyway on requests that arrived over HTTPS (X-Forwarded-Proto counts with TANDEM_TRUST_PROXY).',
  },
  headersTimeoutMs: {
    env: 'TANDEM_HEADERS_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).default(20_000),
    description: 'A request whose headers take longer to arrive is answered 408 and its connection closed.',
  },
  requestTimeoutMs: {
    env: 'TANDEM_REQUEST_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).default(300_000),
    description:
      'A request (headers and body) that takes longer to arrive is answered 408; raise it for very large imports over slow links. Responses, such as live streams, are not limited.',
  },
  trackingAnswerTimeoutMs: {
    env: 'TANDEM_TRACKING_ANSWER_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).default(30_000),
    description:
      'A Tracking API request not stored within this long (a commit stuck behind a lock) is answered 503 with Retry-After; calls with a messageId are stored once when retried.',
  },
  keepAliveTimeoutMs: {
    env: 'TANDEM_KEEP_ALIVE_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).default(72_000),
    description: 'An idle keep-alive connection is closed after this long.',
  },
  idleTimeoutMs: {
    env: 'TANDEM_IDLE_TIMEOUT_MS',
    schema: z.coerce.number().int().min(1000).default(120_000),
    description:
      'A connection with no traffic either way for this long is closed (live streams send a heartbeat every 15 s).',
  },
  liveStreamBufferBytes: {
    env: 'TANDEM_LIVE_STREAM_BUFFER_BYTES',
    schema: z.coerce.number().int().min(16_384).default(1_048_576),
    description:
      'Bytes a source debugger live stream may have waiting for a slow client; past it the stream is ended with an error message.',
  },
  liveStreamsPerPrincipal: {
    env: 'TANDEM_LIVE_STREAMS_PER_PRINCIPAL',
    schema: z.coerce.number().int().min(1).default(10),
    description: 'Live streams one API token or UI session may hold open at once (429 past it).',
  },
  liveStreamsPerProcess: {
    env: 'TANDEM_LIVE_STREAMS_MAX',
    schema: z.coerce.number().int().min(1).default(256),
    description: 'Live streams this process holds open at once (429 past it).',
  },
  metricsToken: {
    env: 'TANDEM_METRICS_TOKEN',
    schema: z.string().min(16).optional(),
    description:
      'Opens /metrics on the main port to requests with Authorization: Bearer <this token>. Without it (or TANDEM_METRICS_LISTEN), /metrics is closed.',
    secret: true,
  },
  metricsListen: {
    env: 'TANDEM_METRICS_LISTEN',
    schema: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
      .optional(),
    description:
      'Serves /metrics, without credentials, on a listener of its own at host:port (e.g. 127.0.0.1:9464).',
  },
  publicUrl: {
    env: 'TANDEM_PUBLIC_URL',
    schema: z.url({ protocol: /^https?$/ }).optional(),
    description: 'Where people reach Tandem (for links in emails); default http://localhost:$PORT.',
  },
  smtpUrl: {
    env: 'TANDEM_SMTP_URL',
    // One relay, or several comma-separated (marketing email takes turns; the rest use the first).
    schema: z
      .string()
      .refine(
        (value) =>
          value.split(',').every((url) => z.url({ protocol: /^smtps?$/ }).safeParse(url.trim()).success),
        { error: 'smtp://user:password@host:port or smtps://…, several separated by commas' },
      )
      .optional(),
    description:
      'Outbound mail relay, smtp://user:password@host:port (smtps:// for TLS), or several comma-separated (marketing email takes turns between them); no email is sent without it.',
    secret: true,
  },
  smtpListen: {
    env: 'TANDEM_SMTP_LISTEN',
    schema: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:2525')
      .optional(),
    description:
      'Receives service desk email: an SMTP listener at host:port (e.g. 0.0.0.0:2525) taking mail for the mailboxes. Off when unset.',
  },
  mailFrom: {
    env: 'TANDEM_MAIL_FROM',
    schema: z.string().min(3).default('Tandem <tandem@localhost>'),
    description: 'Sender of the emails Tandem sends (invitations, password resets).',
  },
  invitationsNeedAcceptance: {
    env: 'TANDEM_INVITATIONS_NEED_ACCEPTANCE',
    schema: bool.default(false),
    description: 'Invited people join a workspace only once they accept (else at once).',
  },
  workspaceCreation: {
    env: 'TANDEM_WORKSPACE_CREATION',
    schema: z.enum(['owners', 'any-user', 'operators']).default('owners'),
    description:
      'Who may create workspaces in the UI or API: owners (users who own one), any-user, or operators (the CLI only). Never API tokens.',
  },
  webDist: {
    env: 'TANDEM_WEB_DIST',
    schema: optionalString,
    description: 'Folder of the built web UI (default: packages/web/dist).',
  },
  secretKey: {
    env: 'TANDEM_SECRET_KEY',
    schema: z
      .string()
      .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, 'must be 32 bytes as 64 hex digits or base64')
      .optional(),
    description:
      'Key (32 bytes, hex or base64) sealing secrets at rest (AES-256-GCM): destination credentials, signing secrets of webhook sources. Absent: generated into TANDEM_DATA_DIR/secret.key (0600) when a secret is first sealed. Several processes sharing a PostgreSQL store must all be given the same key.',
    secret: true,
  },
  allowPrivateDestinations: {
    env: 'TANDEM_ALLOW_PRIVATE_DESTINATIONS',
    schema: bool.default(false),
    description:
      'Let destinations reach loopback and private addresses (10/8, 172.16/12, 192.168/16, 127/8, fc00::/7). Link-local and cloud metadata addresses are refused regardless.',
  },
  runDelivery: {
    env: 'TANDEM_DELIVERY',
    schema: bool.default(true),
    description: 'Send deliveries to destinations from this process (the dispatcher).',
  },
  deliveryTimeoutMs: {
    env: 'TANDEM_DELIVERY_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).max(300_000).default(10_000),
    description: 'Time limit of one send to a destination (a webhook request, a batch).',
  },
  deliveryMaxAttempts: {
    env: 'TANDEM_DELIVERY_MAX_ATTEMPTS',
    schema: z.coerce.number().int().min(1).max(1000).default(12),
    description: 'Attempts of a delivery before it goes dead-letter.',
  },
  deliveryMaxAgeHours: {
    env: 'TANDEM_DELIVERY_MAX_AGE_HOURS',
    schema: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(72),
    description: 'Age after which an undelivered delivery goes dead-letter, attempts left or not.',
  },
  deliveryMaxBackoffSeconds: {
    env: 'TANDEM_DELIVERY_MAX_BACKOFF_SECONDS',
    schema: z.coerce.number().positive().max(86_400).default(600),
    description: 'Longest wait between two attempts (the backoff doubles from 1 s, with jitter, up to this).',
  },
  deliveryRetentionDays: {
    env: 'TANDEM_DELIVERY_RETENTION_DAYS',
    schema: z.coerce.number().positive().max(3650).default(30),
    description: 'Days the delivery log keeps finished deliveries (delivered, dead, skipped).',
  },
} satisfies Record<string, Setting<z.ZodType>>;

type Settings = typeof SETTINGS;
export type Config = Readonly<{ [K in keyof Settings]: z.output<Settings[K]['schema']> }>;

/** Reads, validates and freezes the configuration; throws one message listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting<z.ZodType>][]) {
    const raw = env[setting.env];
    const parsed = setting.schema.safeParse(raw === '' ? undefined : raw);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(`${setting.env}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (values.invitationsNeedAcceptance === true && values.smtpUrl === undefined) {
    problems.push(
      'TANDEM_INVITATIONS_NEED_ACCEPTANCE: needs TANDEM_SMTP_URL, since new people accept from the emailed link',
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  // Built key by key from SETTINGS above, so the shape is exactly Config.
  return Object.freeze(values) as Config;
}

/** `host:port` (a bracketed IPv6 host unbracketed) as a listener's options. */
export function hostAndPort(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(listen.slice(colon + 1)) };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
