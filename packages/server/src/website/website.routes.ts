import {
  ErrorBodySchema,
  PersonalizationAnswerSchema,
  PersonalizationSettingsSchema,
  PersonalizeQuerySchema,
  SourceSchema,
} from '@tandem/contract';
import { AppError, type Engine } from '@tandem/engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';
import { basicAuthWriteKey } from '../tracking/write-key.js';
import { AnalyticsBundle } from './analytics-bundle.js';
import { TANDEM_SCRIPT } from './tandem-script.js';

/** Write keys made by Tandem are `wk_` + base64url; a given one (TANDEM_WRITE_KEY) may be any token. */
const PLAIN_KEY = /^[\w.-]{1,200}$/;
/** The bundle embeds its write key and settings may change: browsers re-check within minutes. */
const BUNDLE_CACHE = 'public, max-age=300';
/** Chunk names carry their content hash: cached for a year. */
const CHUNK_CACHE = 'public, max-age=31536000, immutable';
const SETTINGS_CACHE = 'public, max-age=60';
/** Personalization answers change with the visitor's events: a browser may reuse one briefly. */
export const PERSONALIZE_CACHE = 'private, max-age=10';

const WriteKeyParamsSchema = z.object({ writeKey: z.string().min(1).max(200) });
const JAVASCRIPT = 'application/javascript; charset=utf-8';
const PUBLIC_ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema };
// The answer is built by the engine in its documented shape: sent as is, not re-checked per request.
const plainJson = () => (data: unknown) => JSON.stringify(data);

/**
 * The website loop: Segment's analytics.js served with Tandem as its CDN and API host, the
 * personalization API for browsers (publishable keys) and its settings, and tandem.js.
 */
export async function websiteRoutes(app: App, options: { engine: Engine; bundle?: AnalyticsBundle }) {
  const { engine } = options;
  const bundle = options.bundle ?? new AnalyticsBundle();
  const tags = ['Website'];

  // Every answer of the personalization API, errors included (a refused key, a bad query), is
  // readable by the page that asked: otherwise its script sees a CORS failure, not the reason.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/v1/personalize')) allowAnyOrigin(reply);
  });

  async function trackingSource(writeKey: string) {
    const source = PLAIN_KEY.test(writeKey) ? await engine.sources.resolveWriteKey(writeKey) : undefined;
    if (!source) throw new AppError('not_found', 'Unknown write key');
    return source;
  }

  app.get(
    '/analytics.js/v1/:writeKey/analytics.min.js',
    {
      config: { access: 'public' },
      schema: { tags, summary: "Segment's analytics.js for a write key", params: WriteKeyParamsSchema },
    },
    async (request, reply) => {
      await trackingSource(request.params.writeKey);
      return reply
        .header('content-type', JAVASCRIPT)
        .header('cache-control', BUNDLE_CACHE)
        .send(bundle.forWriteKey(request.params.writeKey));
    },
  );

  app.get(
    '/analytics-next/bundles/:file',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'A lazy chunk of analytics.js', params: z.object({ file: z.string() }) },
    },
    async (request, reply) => {
      const chunk = bundle.chunk(request.params.file);
      if (!chunk) throw new AppError('not_found', `No analytics.js chunk ${request.params.file}`);
      return reply.header('content-type', JAVASCRIPT).header('cache-control', CHUNK_CACHE).send(chunk);
    },
  );

  app.get(
    '/v1/projects/:writeKey/settings',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What analytics.js reads at load: Tandem as its API host',
        params: WriteKeyParamsSchema,
      },
    },
    async (request, reply) => {
      const { writeKey } = request.params;
      await trackingSource(writeKey);
      return reply
        .header('access-control-allow-origin', '*')
        .header('cache-control', SETTINGS_CACHE)
        .send(analyticsSettings(writeKey, request.host, request.protocol));
    },
  );

  app.get(
    '/v1/tandem.js',
    { config: { access: 'public' }, schema: { tags, summary: 'tandem.profile() for the page' } },
    async (_request, reply) =>
      reply.header('content-type', JAVASCRIPT).header('cache-control', BUNDLE_CACHE).send(TANDEM_SCRIPT),
  );

  // Browsers on any site call it with the publishable key in Authorization: a preflight first.
  app.options(
    '/v1/personalize',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) =>
      allowAnyOrigin(reply)
        .header('access-control-allow-methods', 'GET, OPTIONS')
        .header('access-control-allow-headers', 'authorization')
        .header('access-control-max-age', '86400')
        .code(204)
        .send(),
  );

  app.get(
    '/v1/personalize',
    {
      config: { access: 'public' },
      serializerCompiler: plainJson,
      schema: {
        tags,
        summary: "The visitor's exposed traits, computed traits and audiences",
        description:
          'Authorization: Basic base64(<publishableKey>:). Only what the workspace exposes ' +
          '(PUT /api/v1/personalization/settings); an unknown visitor gets what one with nothing stored gets.',
        security: [{ publishableKey: [] }],
        querystring: PersonalizeQuerySchema,
        response: { 200: PersonalizationAnswerSchema, ...PUBLIC_ERRORS },
      },
    },
    async (request, reply) => {
      const source = await publishableSource(engine, request);
      const { userId, anonymousId } = request.query;
      if (userId === undefined && anonymousId === undefined) {
        throw new AppError('validation_failed', 'Give the visitor as anonymousId or userId', {
          details: [{ path: 'anonymousId', message: 'anonymousId or userId is required' }],
        });
      }
      const answer = await engine.personalization.answer(source.workspaceId, { userId, anonymousId });
      return reply.header('cache-control', PERSONALIZE_CACHE).header('vary', 'Authorization').send(answer);
    },
  );

  app.post(
    '/api/v1/sources/:id/publishable-key',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        summary: "Replace a source's publishable key (the old one stops working)",
        params: IdParamsSchema,
        response: { 200: SourceSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      engine.sources.rotatePublishableKey(requirePrincipal(request.principal).workspaceId, request.params.id),
  );

  app.get(
    '/api/v1/personalization/settings',
    {
      config: { access: 'sources:read' },
      schema: {
        tags,
        summary: 'What the personalization API may expose',
        response: { 200: PersonalizationSettingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => engine.personalization.settings(requirePrincipal(request.principal).workspaceId),
  );

  app.put(
    '/api/v1/personalization/settings',
    {
      config: { access: 'sources:write' },
      schema: {
        tags,
        summary: 'Say what the personalization API may expose',
        body: PersonalizationSettingsSchema,
        response: { 200: PersonalizationSettingsSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      engine.personalization.updateSettings(requirePrincipal(request.principal).workspaceId, request.body),
  );
}

/** The source a personalization request's publishable key belongs to; 401 otherwise. */
async function publishableSource(engine: Engine, request: FastifyRequest) {
  const key = basicAuthWriteKey(request.headers.authorization);
  if (!key) {
    throw new AppError('unauthorized', 'Missing publishable key: send it as the Basic auth username');
  }
  const source = await engine.sources.resolvePublishableKey(key);
  // A write key is refused here: it is not a publishable key (and never shown to browsers as one).
  if (!source) throw new AppError('unauthorized', 'Unknown publishable key');
  return source;
}

function allowAnyOrigin(reply: FastifyReply): FastifyReply {
  return reply.header('access-control-allow-origin', '*');
}

/**
 * analytics.js's settings ("CDN settings"): only the Segment.io integration, sending to this
 * Tandem (`apiHost` is host + `/v1`, without protocol, as the SDK builds `protocol://apiHost/t`),
 * no remote metrics (they would go to Segment), every event enabled.
 */
export function analyticsSettings(writeKey: string, host: string, protocol: string) {
  return {
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost: `${host}/v1`,
        protocol: protocol === 'https' ? 'https' : 'http',
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
        versionSettings: { version: '4.4.7', componentTypes: ['browser'] },
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}
