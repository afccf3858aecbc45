import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Engine } from '@tandem/engine';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { audienceFilesRoutes } from './audience-files/audience-files.routes.js';
import { audiencesRoutes } from './audiences/audiences.routes.js';
import { installAuditHook } from './audit-log/audit-hook.js';
import { auditLogRoutes } from './audit-log/audit-log.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { installAuthentication } from './auth/authenticate.js';
import { LoginRateLimiter } from './auth/login-rate-limiter.js';
import type { RouteAccess } from './auth/route-access.js';
import { broadcastsRoutes } from './broadcasts/broadcasts.routes.js';
import { catalogRoutes } from './catalog/catalog.routes.js';
import { computedTraitsRoutes } from './computed-traits/computed-traits.routes.js';
import type { Config } from './config.js';
import { consentRoutes } from './consent/consent.routes.js';
import { crmDealsRoutes } from './crm-deals/crm-deals.routes.js';
import { crmReportsRoutes } from './crm-deals/crm-reports.routes.js';
import { activitiesRoutes } from './crm-people/activities.routes.js';
import { companiesRoutes } from './crm-people/companies.routes.js';
import { customFieldsRoutes } from './crm-people/custom-fields.routes.js';
import { peopleRoutes } from './crm-people/people.routes.js';
import { tasksRoutes } from './crm-people/tasks.routes.js';
import { teamsRoutes } from './crm-people/teams.routes.js';
import { destinationSyncRoutes } from './destination-sync/destination-sync.routes.js';
import { installDeliveryMetrics } from './destinations/delivery-metrics.js';
import { destinationsRoutes } from './destinations/destinations.routes.js';
import { emailRoutes } from './email/email.routes.js';
import { emailPreferencesRoutes } from './email-preferences/email-preferences.routes.js';
import { emailPublicRoutes } from './email-preferences/email-public.routes.js';
import { helpCenterRoutes } from './help-center/help-center.routes.js';
import { helpPublicRoutes } from './help-center/help-public.routes.js';
import { installCollectMetrics } from './http/collect-metrics.js';
import { installErrorHandlers } from './http/error-handler.js';
import { installLiveStreamMetrics } from './http/live-stream-metrics.js';
import { logOptions } from './http/log-options.js';
import { installMetrics } from './http/metrics.js';
import { installPipelineMetrics } from './http/pipeline-metrics.js';
import { installPortableText } from './http/portable-text.js';
import type { App } from './http/route-schemas.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { importsRoutes } from './imports/imports.routes.js';
import { insightsRoutes } from './insights/insights.routes.js';
import { journeysRoutes } from './journeys/journeys.routes.js';
import { leadScoringRoutes } from './lead-scoring/lead-scoring.routes.js';
import { listsRoutes } from './lists/lists.routes.js';
import { opsRoutes } from './ops/ops.routes.js';
import { overviewRoutes } from './overview/overview.routes.js';
import { installPersonalDataMasking } from './pii/personal-data-masking.js';
import { piiRoutes } from './pii/pii.routes.js';
import { predictionsRoutes } from './predictions/predictions.routes.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { profilesRoutes } from './profiles/profiles.routes.js';
import { RELEASE_VERSION } from './release.js';
import { retentionRoutes } from './retention/retention.routes.js';
import { savedInsightsRoutes } from './saved-insights/saved-insights.routes.js';
import { savedViewsRoutes } from './saved-views/saved-views.routes.js';
import { searchRoutes } from './search/search.routes.js';
import { sequencesRoutes } from './sequences/sequences.routes.js';
import { cannedRepliesRoutes } from './service-desk/canned-replies.routes.js';
import { ticketsRoutes } from './service-desk/tickets.routes.js';
import { csatRoutes } from './service-desk-csat/csat.routes.js';
import { webFormsRoutes } from './service-desk-csat/web-forms.routes.js';
import { mailboxesRoutes } from './service-desk-email/mailboxes.routes.js';
import { slaRoutes } from './service-desk-sla/sla.routes.js';
import { LiveStreams } from './sources/live-streams.js';
import { sourceDebuggerRoutes } from './sources/source-debugger.routes.js';
import { sourcesRoutes } from './sources/sources.routes.js';
import { trackingRoutes } from './tracking/tracking.routes.js';
import { trackingPlansRoutes } from './tracking-plans/tracking-plans.routes.js';
import { DEFAULT_WEB_DIST, installWebUi } from './web/web-ui.js';
import { webhookSourcesRoutes } from './website/webhook-sources.routes.js';
import { websiteRoutes } from './website/website.routes.js';
import { workspacesRoutes } from './workspaces/workspaces.routes.js';

/** A route as registered, with its declared access (the route-table test walks these). */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess | undefined;
}

export interface BuildAppOptions {
  readonly config: Config;
  readonly engine: Engine;
  /** pino options or false; defaults to JSON logs at the configured level (see log-options.ts). */
  readonly logger?: FastifyServerOptions['logger'];
  /** Where the default logger writes (default stdout); tests read the lines. */
  readonly logStream?: DestinationStream | undefined;
}

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** Builds the HTTP server (not listening): Tracking API, admin API, docs, metrics and web UI. */
export async function buildApp(
  options: BuildAppOptions,
): Promise<App & { routeTable: RouteEntry[]; metrics: Registry; liveStreams: LiveStreams }> {
  const { config, engine } = options;
  const app = Fastify({
    logger: options.logger ?? logOptions(config.logLevel, options.logStream),
    trustProxy: config.trustProxy,
    // Honour a caller's request id so logs join up across services; otherwise make one.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...timeoutOptions(config),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);
  installPortableText(app);

  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routeTable.push({ method, url: route.url, access: route.config?.access });
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const metrics = installMetrics(app);
  installPipelineMetrics(metrics, engine);
  installCollectMetrics(metrics, engine);
  installDeliveryMetrics(metrics, engine);
  const liveStreams = new LiveStreams(
    {
      access: {
        onRevoked: (listener) => engine.access.onRevoked(listener),
        authenticateToken: (secret) => engine.access.tokens.authenticate(secret),
        authenticateSession: (secret) => engine.access.accounts.authenticateSession(secret),
      },
      collector: engine.collector,
    },
    {
      limits: {
        bufferBytes: config.liveStreamBufferBytes,
        perPrincipal: config.liveStreamsPerPrincipal,
        perProcess: config.liveStreamsPerProcess,
      },
    },
  );
  // Live streams never finish on their own: end them when the server shuts down.
  app.addHook('preClose', async () => liveStreams.close());
  installLiveStreamMetrics(metrics, liveStreams);
  installSecurityHeaders(app);
  installAuditHook(app, engine);
  await app.register(fastifyCookie);
  installAuthentication(app, engine);
  installPersonalDataMasking(app, engine);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tandem API',
        description: 'Tracking API (Segment-compatible) and admin API of Tandem, the CDP + CRM.',
        version: RELEASE_VERSION,
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token' },
          writeKey: { type: 'http', scheme: 'basic', description: 'Source write key as the username' },
          publishableKey: {
            type: 'http',
            scheme: 'basic',
            description: 'Source publishable key as the username (browser-safe, read-only)',
          },
        },
      },
      security: [{ bearerToken: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes, { engine, metrics, metricsToken: config.metricsToken });
  await app.register(authRoutes, {
    engine,
    loginLimiter: new LoginRateLimiter({
      maxAttempts: config.loginAttemptsPerWindow,
      maxKeys: config.loginLimiterKeys,
    }),
    linkLimiter: new LoginRateLimiter({
      maxAttempts: config.loginAttemptsPerWindow,
      maxKeys: config.loginLimiterKeys,
    }),
    secureCookies: config.secureCookies,
  });
  await app.register(workspacesRoutes, { engine, workspaceCreation: config.workspaceCreation });
  await app.register(sourcesRoutes, { engine });
  await app.register(profilesRoutes, { engine });
  await app.register(sourceDebuggerRoutes, { engine, liveStreams });
  await app.register(trackingPlansRoutes, { engine });
  await app.register(trackingRoutes, {
    engine,
    maxPipelineLag: config.maxPipelineLag,
    answerWithinMs: config.trackingAnswerTimeoutMs,
  });
  await app.register(importsRoutes, { engine });
  await app.register(audiencesRoutes, { engine });
  await app.register(computedTraitsRoutes, { engine });
  await app.register(consentRoutes, { engine });
  await app.register(privacyRoutes, { engine });
  await app.register(insightsRoutes, { engine });
  await app.register(leadScoringRoutes, { engine });
  await app.register(journeysRoutes, { engine });
  await app.register(peopleRoutes, { engine });
  await app.register(activitiesRoutes, { engine });
  await app.register(tasksRoutes, { engine });
  await app.register(companiesRoutes, { engine });
  await app.register(teamsRoutes, { engine });
  await app.register(customFieldsRoutes, { engine });
  await app.register(crmDealsRoutes, { engine });
  await app.register(crmReportsRoutes, { engine });
  await app.register(overviewRoutes, { engine });
  await app.register(ticketsRoutes, { engine });
  await app.register(cannedRepliesRoutes, { engine });
  await app.register(catalogRoutes, { engine });
  await app.register(audienceFilesRoutes, { engine });
  await app.register(destinationSyncRoutes, { engine });
  await app.register(destinationsRoutes, { engine });
  await app.register(websiteRoutes, { engine });
  await app.register(webhookSourcesRoutes, { engine, answerWithinMs: config.trackingAnswerTimeoutMs });
  await app.register(searchRoutes, { engine });
  await app.register(savedViewsRoutes, { engine });
  await app.register(savedInsightsRoutes, { engine });
  await app.register(slaRoutes, { engine });
  await app.register(mailboxesRoutes, { engine, config });
  await app.register(csatRoutes, { engine });
  await app.register(webFormsRoutes, { engine });
  await app.register(listsRoutes, { engine });
  await app.register(sequencesRoutes, { engine });
  await app.register(helpCenterRoutes, { engine });
  await app.register(emailPreferencesRoutes, { engine });
  await app.register(emailPublicRoutes, { engine });
  await app.register(emailRoutes, { engine });
  await app.register(broadcastsRoutes, { engine });
  await app.register(piiRoutes, { engine });
  await app.register(auditLogRoutes, { engine });
  await app.register(retentionRoutes, { engine });
  await app.register(predictionsRoutes, { engine });
  await app.register(helpPublicRoutes, {
    engine,
    secureCookies: config.secureCookies,
    linkLimiter: new LoginRateLimiter({
      maxAttempts: config.loginAttemptsPerWindow,
      maxKeys: config.loginLimiterKeys,
    }),
  });
  await installWebUi(app, config.webDist ?? DEFAULT_WEB_DIST);

  return Object.assign(app, { routeTable, metrics, liveStreams });
}

/**
 * Slow clients cannot hold sockets: headers and whole requests must arrive in time (408), idle
 * connections close. Responses are not limited, so live streams stay open.
 */
function timeoutOptions(config: Config) {
  // Node refuses a headers timeout above the request timeout.
  const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  return {
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionTimeout: config.idleTimeoutMs,
    // Node checks both timeouts on this period (default 30 s): a few times per headers timeout.
    http: { headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(30_000, headersTimeout / 4)) },
  };
}
