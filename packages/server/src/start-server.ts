import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  type AccessOptions,
  bootstrapIfEmpty,
  type DeliveryOptions,
  Engine,
  smtpMailSender,
  type TransportLog,
} from '@tandem/engine';
import { buildApp } from './app.js';
import { type Config, hostAndPort } from './config.js';
import { resolveSecretKey } from './destinations/secret-key.js';
import { startMetricsListener } from './http/metrics-listener.js';

/** The bounds on what a write key can store, from the config: the engine's part of its options. */
export function writeBoundsOf(config: Config) {
  return {
    callLimits: {
      maxPropertiesPerEvent: config.maxPropertiesPerEvent,
      maxTraitsPerCall: config.maxTraitsPerCall,
      maxDepth: config.maxCallDepth,
    },
    maxTraitsPerProfile: config.maxTraitsPerProfile,
  };
}

/** Opens storage for a config: PostgreSQL when DATABASE_URL is set, else SQLite in the data dir. */
export function openEngine(
  config: Config,
  options: {
    migrate?: boolean;
    pageCacheMb?: number;
    logWriterThread?: boolean;
    onMailError?: (error: unknown) => void;
    onDeliveryLog?: TransportLog;
    onDeskMailLog?: TransportLog;
  } = {},
): Promise<Engine> {
  const { logWriterThread, onMailError, onDeliveryLog, onDeskMailLog, ...storeOptions } = options;
  const { callLimits, maxTraitsPerProfile } = writeBoundsOf(config);
  return Engine.open({
    audienceFiles: { directoryRoot: config.audienceFilesDir ?? join(config.dataDir, 'audience-files') },
    access: accessOptionsOf(config, onMailError),
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.postgresPoolSize,
    collector: {
      maxQueuedEvents: config.maxQueuedEvents,
      preparationThreads: config.ingestThreads,
      writerThread: logWriterThread,
      callLimits,
    },
    pipeline: {
      partitions: config.pipelinePartitions,
      maxTraitsPerProfile,
      // DuckDB (embedded analytics copy): every core, within the configured memory.
      analytics: {
        enabled: config.analyticsCopy,
        memoryLimit: config.analyticsMemory,
        threads: availableParallelism(),
      },
    },
    delivery: deliveryOptionsOf(config, onDeliveryLog),
    // Service desk email: replies through the relay, mail in through the listener (when set).
    // Marketing email takes turns between every relay given.
    email: { smtpUrl: config.smtpUrl },
    mail: {
      smtpUrl: firstRelayOf(config.smtpUrl),
      listen: config.smtpListen ? hostAndPort(config.smtpListen) : undefined,
      log: onDeskMailLog,
    },
    ...storeOptions,
  });
}

/** Destinations and their delivery, as configured. */
export function deliveryOptionsOf(config: Config, log?: TransportLog): DeliveryOptions {
  let key: Buffer | undefined;
  return {
    // Read (or generated) when a secret is first sealed or opened, not by every CLI command.
    secretKey: () => (key ??= resolveSecretKey(config)),
    allowPrivateNetworks: config.allowPrivateDestinations,
    sendTimeoutMs: config.deliveryTimeoutMs,
    maxAttempts: config.deliveryMaxAttempts,
    maxAgeMs: config.deliveryMaxAgeHours * 3_600_000,
    maxBackoffMs: config.deliveryMaxBackoffSeconds * 1000,
    retentionDays: config.deliveryRetentionDays,
    log,
  };
}

/** Logins, invitations and their emails, as configured. */
export function accessOptionsOf(config: Config, onMailError?: (error: unknown) => void): AccessOptions {
  return {
    mail: config.smtpUrl
      ? smtpMailSender({ url: firstRelayOf(config.smtpUrl) as string, from: config.mailFrom })
      : undefined,
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    invitationsNeedAcceptance: config.invitationsNeedAcceptance,
    onMailError,
  };
}

/**
 * Starts Tandem: migrate, bootstrap an empty store, listen, and shut down gracefully on
 * SIGTERM/SIGINT (stop accepting, finish in-flight requests, flush writes, close storage).
 */
export async function startServer(
  config: Config,
): Promise<{ url: string; metricsUrl: string | undefined; stop: () => Promise<void> }> {
  // Every file the server writes (database, uploads) is its owner's alone.
  process.umask(0o077);
  let reportMailError = (error: unknown): void => {
    process.stderr.write(`an email could not be sent: ${String(error)}\n`);
  };
  let deliveryLog: TransportLog = (level, message, fields) => {
    if (level !== 'info') process.stderr.write(`${message} ${JSON.stringify(fields ?? {})}\n`);
  };
  const engine = await openEngine(config, {
    onMailError: (error) => reportMailError(error),
    onDeliveryLog: (level, message, fields) => deliveryLog(level, message, fields),
    onDeskMailLog: (level, message, fields) => deliveryLog(level, message, fields),
  });
  try {
    // Refuse to start on checkpoints another partition count made that this one cannot take over.
    if (config.runPipeline) await engine.pipeline.prepare();
  } catch (error) {
    await engine.close();
    throw error;
  }
  await engine.imports.failInterrupted();
  // Ingest and log writer threads load while the server starts, not under the first requests.
  engine.collector.startThreads();
  const app = await buildApp({ config, engine });
  reportMailError = (error) => app.log.error({ err: error }, 'an email could not be sent');
  deliveryLog = (level, message, fields) => app.log[level](fields ?? {}, message);
  const bootstrap = await bootstrapIfEmpty(engine.store, engine, {
    adminEmail: config.adminEmail,
    adminPassword: config.adminPassword,
    adminToken: config.adminToken,
    writeKey: config.writeKey,
  });
  if (bootstrap) printBootstrap(bootstrap);

  const address = await app.listen({ port: config.port, host: config.host });
  const metricsListener = config.metricsListen
    ? await startMetricsListener(app.metrics, config.metricsListen)
    : undefined;
  if (metricsListener) app.log.info(`Metrics served on ${metricsListener.url}`);
  // The pipeline stages (identity and traits, then computed traits and audiences) consume the
  // log in the background; engine.close stops them.
  if (config.runPipeline) {
    engine.pipeline.onTraitsDropped((dropped) =>
      app.log.warn(
        { ...dropped, limit: config.maxTraitsPerProfile },
        'profiles reached TANDEM_MAX_TRAITS_PER_PROFILE: the trait names sorting after the limit were dropped',
      ),
    );
    engine.pipeline.start((error) => app.log.error({ err: error }, 'pipeline batch failed'));
  }
  // Deliveries go out from every process with TANDEM_DELIVERY on (PostgreSQL: rows are leased).
  if (config.runDelivery) engine.dispatcher.start();
  // SLA breaches become events within the sweeper's interval (5 s) of their due time.
  if (config.runPipeline)
    engine.slaSweeper.start((error) => app.log.error({ err: error }, 'SLA sweep failed'));
  // Sales sequences' due steps run within the scheduler's interval (1 s); engine.close stops it.
  if (config.runPipeline)
    engine.sequenceScheduler.start((error) => app.log.error({ err: error }, 'sequence steps failed'));
  // Journey timers fire within their poll (200 ms) of their due time; tasks and tickets steps follow.
  if (config.runPipeline) {
    engine.journeyTimers.start((error) => app.log.error({ err: error }, 'journey timers failed'));
    engine.journeyEffects.start();
  }
  // Retention applies each workspace's policies hourly; engine.close stops it.
  if (config.runPipeline)
    engine.retentionWorker.start((error) => app.log.error({ err: error }, 'retention run failed'));
  engine.auditLog.recorder.reportErrorsTo((error) =>
    app.log.error({ err: error }, 'audit log append failed'),
  );
  // Marketing email: the sender (TANDEM_SMTP_URL) and the broadcasts' scheduler; engine.close stops them.
  if (config.runDelivery)
    engine.emailSender.start((error) => app.log.error({ err: error }, 'email sending pass failed'));
  if (config.runPipeline)
    engine.broadcasts.start((error) => app.log.error({ err: error }, 'broadcast scheduling failed'));
  // Privacy requests run in the background (PostgreSQL: each leased by one process at a time).
  if (config.runPipeline)
    engine.privacy.start((error) => app.log.error({ err: error }, 'privacy request pass failed'));
  // Service desk email: the SMTP listener (TANDEM_SMTP_LISTEN) and queued replies; engine.close stops it.
  await engine.mailChannel.start();
  app.log.info(
    { storage: engine.store.kind, location: engine.store.location },
    `Tandem listening on ${address}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      app.log.info('shutting down: no new connections, finishing in-flight requests');
      await Promise.all([app.close(), metricsListener?.close()]);
      await engine.close();
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { url: address, metricsUrl: metricsListener?.url, stop };
}

function printBootstrap(result: NonNullable<Awaited<ReturnType<typeof bootstrapIfEmpty>>>): void {
  const lines = [
    'First start: created workspace "Default", its owner and a source.',
    `  Owner login:    ${result.adminEmail}`,
  ];
  if (result.generated.adminPassword) lines.push(`  Owner password: ${result.generated.adminPassword}`);
  if (result.generated.adminToken) lines.push(`  Owner API token: ${result.generated.adminToken}`);
  if (result.generated.writeKey) lines.push(`  Write key (source "Default"): ${result.generated.writeKey}`);
  if (Object.keys(result.generated).length > 0) lines.push('  These generated secrets are shown only once.');
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

/** The first of TANDEM_SMTP_URL's relays: invitations and the service desk use one relay. */
function firstRelayOf(smtpUrl: string | undefined): string | undefined {
  return smtpUrl?.split(',')[0]?.trim();
}
