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
import { AppError, type Engine } from '@tandem/engine';
import type { FastifySchemaCompiler } from 'fastify';
import type { App } from '../http/route-schemas.js';
import { PipelineLagGuard } from './pipeline-lag-guard.js';
import { writeKeyOf } from './write-key.js';

export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_BATCH_CALLS = 2500;
/** A single call may not exceed 32 KB; the body limit leaves room for envelope whitespace. */
const MAX_SINGLE_BYTES = 32 * 1024;

// The schemas document the payloads in OpenAPI, but calls are checked one by one by the engine
// so that one bad call of a batch never loses the good ones: the route validator lets all through.
const acceptAsIs: FastifySchemaCompiler<unknown> = () => (value) => ({ value });

const TRACKING_ERRORS = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  413: ErrorBodySchema,
  429: ErrorBodySchema,
};

/** The Segment-compatible Tracking API: `/v1/{identify,track,page,screen,group,alias,batch,import}`. */
export async function trackingRoutes(app: App, options: { engine: Engine; maxPipelineLag: number }) {
  const { engine } = options;
  const lagGuard = new PipelineLagGuard(engine, options.maxPipelineLag);

  // Browsers call the Tracking API from any site; no cookies are involved, so any origin is fine.
  await app.register(fastifyCors, {
    origin: true,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'content-encoding'],
    maxAge: 86_400,
  });

  // Segment's API reads every body as JSON whatever its Content-Type: sendBeacon posts text/plain,
  // and RudderStack's node SDK posts gzip without any Content-Type at all.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new AppError('invalid_json', 'Body is not valid JSON'), undefined);
    }
  });

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

  async function collect(
    request: { body: unknown; ip: string; headers: Record<string, string | string[] | undefined> },
    writeKey: string | undefined,
    calls: unknown[],
    shared?: { context?: unknown; integrations?: unknown; sentAt?: unknown },
  ) {
    if (!writeKey)
      throw new AppError('unauthorized', 'Missing write key: send it as the Basic auth username');
    const source = await engine.sources.resolveWriteKey(writeKey);
    if (!source) throw new AppError('unauthorized', 'Unknown write key');
    lagGuard.assertWithinBound();
    const userAgent = request.headers['user-agent'];
    return engine.collector.collect({
      source,
      calls,
      shared,
      request: { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined },
    });
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
      async (request) => {
        const call = asObject(request.body, 'body');
        const result = await collect(request, writeKeyOf(request), [
          { ...call, type: type satisfies CallType },
        ]);
        const rejection = result.rejected[0];
        // A single call that is refused is the request's failure: say why, as a 400.
        if (rejection) {
          throw new AppError('validation_failed', rejection.message, {
            details: [{ path: 'body', message: `${rejection.code}: ${rejection.message}` }],
          });
        }
        return { success: true as const };
      },
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
      async (request) => {
        const body = asObject(request.body, 'body');
        if (!Array.isArray(body.batch)) {
          throw new AppError('validation_failed', 'body.batch must be an array of calls', {
            details: [{ path: 'body.batch', message: 'must be an array' }],
          });
        }
        if (body.batch.length > MAX_BATCH_CALLS) {
          throw new AppError(
            'payload_too_large',
            `body.batch holds ${body.batch.length} calls; at most ${MAX_BATCH_CALLS} per request`,
          );
        }
        const result = await collect(request, writeKeyOf(request), body.batch, {
          context: body.context,
          integrations: body.integrations,
          sentAt: body.sentAt,
        });
        return result.rejected.length > 0
          ? { success: true as const, rejected: result.rejected }
          : { success: true as const };
      },
    );
  }
}

function asObject(body: unknown, path: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('validation_failed', `${path} must be a JSON object`, {
      details: [{ path, message: 'must be a JSON object' }],
    });
  }
  // Checked just above: a non-null, non-array object.
  return body as Record<string, unknown>;
}
