import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import fastifyCors from '@fastify/cors';
import {
  CALL_TYPES,
  type CallType,
  ErrorBodySchema,
  TrackingBatchSchema,
  TrackingCallSchema,
  TrackingResponseSchema,
} from '@tandem/contract';
import { AppError, type Engine, type TrackingRoute } from '@tandem/engine';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { AnswerDeadline } from '../http/answer-deadline.js';
import type { App } from '../http/route-schemas.js';
import { PipelineLagGuard } from './pipeline-lag-guard.js';
import { basicAuthWriteKey } from './write-key.js';

export const MAX_BATCH_BYTES = 500 * 1024;
/** A single call may not exceed 32 KB; the body limit leaves room for envelope whitespace. */
const MAX_SINGLE_BYTES = 32 * 1024;

// The schemas document the payloads in OpenAPI, but bodies reach the engine as bytes: it parses
// them (on its preparation threads when large) and checks calls one by one, so that one bad call
// of a batch never loses the good ones. The route validator lets all through.
const acceptAsIs: FastifySchemaCompiler<unknown> = () => (value) => ({ value });

/** analytics.js's paths: the first letter of the call type (`/v1/b` when it batches). */
const SHORT_PATHS: readonly (readonly [string, TrackingRoute])[] = [
  ['t', 'track'],
  ['p', 'page'],
  ['i', 'identify'],
  ['g', 'group'],
  ['a', 'alias'],
  ['s', 'screen'],
  ['b', 'batch'],
];

const TRACKING_ERRORS = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  413: ErrorBodySchema,
  429: ErrorBodySchema,
  503: ErrorBodySchema,
};

/** The Segment-compatible Tracking API: `/v1/{identify,track,page,screen,group,alias,batch,import}`. */
export async function trackingRoutes(
  app: App,
  options: { engine: Engine; maxPipelineLag: number; answerWithinMs: number },
) {
  const { engine } = options;
  const deadline = new AnswerDeadline(
    options.answerWithinMs,
    `The calls were not stored within ${options.answerWithinMs / 1000} s; retry the request (calls with a messageId are stored once)`,
  );
  const lagGuard = new PipelineLagGuard(engine, options.maxPipelineLag);

  // Browsers call the Tracking API from any site; no cookies are involved, so any origin is fine.
  await app.register(fastifyCors, {
    origin: true,
    methods: ['POST', 'OPTIONS'],
    // X-Retry-Count: analytics.js numbers its retries.
    allowedHeaders: ['authorization', 'content-type', 'content-encoding', 'x-retry-count'],
    maxAge: 86_400,
  });

  // Segment's API reads every body as JSON whatever its Content-Type: sendBeacon posts text/plain,
  // and RudderStack's node SDK posts gzip without any Content-Type at all. The engine parses.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Gzip (and deflate) bodies: decompressed before the body limit counts the bytes.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (!encoding || encoding === 'identity') return payload;
    if (encoding !== 'gzip' && encoding !== 'deflate') {
      throw new AppError('unsupported_media_type', `Content-Encoding ${encoding} is not supported`);
    }
    const decoded: Transform & { receivedEncodedLength?: number } =
      encoding === 'gzip' ? createGunzip() : createInflate();
    // Fastify checks Content-Length against the bytes received, not the decompressed ones.
    decoded.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      decoded.receivedEncodedLength = (decoded.receivedEncodedLength ?? 0) + chunk.length;
    });
    // A corrupt body must fail its request, never the process: Fastify reports the error when it
    // reads the body, and when it never does (unsupported content type), nobody else must hear it.
    decoded.on('error', () => {});
    return payload.pipe(decoded);
  });

  async function resolveSource(writeKey: string | undefined) {
    if (!writeKey)
      throw new AppError('unauthorized', 'Missing write key: send it as the Basic auth username');
    const source = await engine.sources.resolveWriteKey(writeKey);
    if (!source) throw new AppError('unauthorized', 'Unknown write key');
    return source;
  }

  async function collect(request: FastifyRequest, route: TrackingRoute) {
    // A key in the header is checked before the body is read; one in the body only after.
    const headerKey = basicAuthWriteKey(request.headers.authorization);
    const headerSource = headerKey === undefined ? undefined : await resolveSource(headerKey);
    lagGuard.assertWithinBound();
    const userAgent = request.headers['user-agent'];
    const prepared = await engine.collector.prepare({
      route,
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      request: { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined },
      sourceId: headerSource?.sourceId,
    });
    const source = headerSource ?? (await resolveSource(prepared.writeKey));
    return engine.collector.store(source, prepared);
  }

  for (const type of CALL_TYPES) {
    app.post(
      `/v1/${type}`,
      {
        config: { access: 'public' },
        bodyLimit: MAX_SINGLE_BYTES,
        validatorCompiler: acceptAsIs,
        schema: {
          tags: ['Tracking'],
          summary: `Record one ${type} call`,
          security: [{ writeKey: [] }],
          body: TrackingCallSchema,
          response: { 200: TrackingResponseSchema, ...TRACKING_ERRORS },
        },
      },
      (request, reply) =>
        deadline.run(reply, async () => {
          const result = await collect(request, type satisfies CallType);
          const rejection = result.rejected[0];
          // A single call that is refused is the request's failure: say why, as a 400.
          if (rejection) {
            throw new AppError('validation_failed', rejection.message, {
              details: [{ path: 'body', message: `${rejection.code}: ${rejection.message}` }],
            });
          }
          return { success: true as const };
        }),
    );
  }

  // analytics.js (Segment's browser SDK) posts to one-letter paths, text/plain with the write key
  // in the body: the same endpoints under its names.
  for (const [letter, route] of SHORT_PATHS) {
    app.post(
      `/v1/${letter}`,
      {
        config: { access: 'public' },
        bodyLimit: route === 'batch' ? MAX_BATCH_BYTES : MAX_SINGLE_BYTES,
        validatorCompiler: acceptAsIs,
        schema: {
          tags: ['Tracking'],
          summary: `analytics.js's path for /v1/${route}`,
          security: [{ writeKey: [] }],
          body: route === 'batch' ? TrackingBatchSchema : TrackingCallSchema,
          response: { 200: TrackingResponseSchema, ...TRACKING_ERRORS },
        },
      },
      (request, reply) =>
        deadline.run(reply, async () => {
          const result = await collect(request, route);
          const rejection = result.rejected[0];
          if (route !== 'batch' && rejection) {
            throw new AppError('validation_failed', rejection.message, {
              details: [{ path: 'body', message: `${rejection.code}: ${rejection.message}` }],
            });
          }
          return result.rejected.length > 0
            ? { success: true as const, rejected: result.rejected }
            : { success: true as const };
        }),
    );
  }

  for (const path of ['/v1/batch', '/v1/import']) {
    app.post(
      path,
      {
        config: { access: 'public' },
        bodyLimit: MAX_BATCH_BYTES,
        validatorCompiler: acceptAsIs,
        schema: {
          tags: ['Tracking'],
          summary:
            path === '/v1/batch' ? 'Record a batch of calls' : 'Alias of /v1/batch for historical imports',
          security: [{ writeKey: [] }],
          body: TrackingBatchSchema,
          response: { 200: TrackingResponseSchema, ...TRACKING_ERRORS },
        },
      },
      (request, reply) =>
        deadline.run(reply, async () => {
          const result = await collect(request, 'batch');
          return result.rejected.length > 0
            ? { success: true as const, rejected: result.rejected }
            : { success: true as const };
        }),
    );
  }
}
