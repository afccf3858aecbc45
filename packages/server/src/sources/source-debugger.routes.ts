import { SourceStatsSchema, StoredEventSchema, StoredRejectionSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';
import { credentialsOf, type LiveStreams } from './live-streams.js';

const RecentQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** The source debugger: latest events and rejections, counters, and a live stream (SSE). */
export async function sourceDebuggerRoutes(app: App, options: { engine: Engine; liveStreams: LiveStreams }) {
  const { engine, liveStreams } = options;
  const tags = ['Sources'];

  app.get(
    '/api/v1/sources/:id/events',
    {
      config: { access: 'events:read', personalData: 'storedEvents' },
      schema: {
        tags,
        summary: 'Latest events of a source, newest first',
        params: IdParamsSchema,
        querystring: RecentQuerySchema,
        response: { 200: z.object({ data: z.array(StoredEventSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const workspaceId = requirePrincipal(request.principal).workspaceId;
      await engine.sources.get(workspaceId, request.params.id);
      return {
        data: await engine.collector.recentEvents(workspaceId, request.params.id, request.query.limit),
      };
    },
  );

  app.get(
    '/api/v1/sources/:id/rejections',
    {
      config: { access: 'events:read', personalData: 'storedRejections' },
      schema: {
        tags,
        summary: 'Calls refused in the last 7 days, newest first',
        params: IdParamsSchema,
        querystring: RecentQuerySchema,
        response: { 200: z.object({ data: z.array(StoredRejectionSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const workspaceId = requirePrincipal(request.principal).workspaceId;
      await engine.sources.get(workspaceId, request.params.id);
      return {
        data: await engine.collector.recentRejections(workspaceId, request.params.id, request.query.limit),
      };
    },
  );

  app.get(
    '/api/v1/sources/:id/stats',
    {
      config: { access: 'sources:read' },
      schema: { tags, params: IdParamsSchema, response: { 200: SourceStatsSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const workspaceId = requirePrincipal(request.principal).workspaceId;
      await engine.sources.get(workspaceId, request.params.id);
      return engine.collector.sourceStats(workspaceId, request.params.id);
    },
  );

  app.get(
    '/api/v1/sources/:id/live',
    {
      config: { access: 'events:read' },
      schema: {
        tags,
        summary: 'Server-sent events: `event` and `rejection` messages as they are committed',
        description:
          'A client that falls more than TANDEM_LIVE_STREAM_BUFFER_BYTES behind, or whose credentials are revoked or lose the permission, gets a last `error` message ({code, message}) and the stream ends. Open streams are capped per token or session and per process (429).',
        params: IdParamsSchema,
        response: { 200: z.string().describe('text/event-stream'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      const source = await engine.sources.get(principal.workspaceId, request.params.id);
      const credentials = credentialsOf(request);
      if (!credentials) throw new Error('credentials missing on an authenticated route');
      liveStreams.assertRoomFor(principal);
      // Settings read once: a stream opened before a field was marked personal keeps its mask.
      const mask = await engine.pii.maskForRole(principal.workspaceId, principal.role);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      response.write(`event: ready\ndata: ${JSON.stringify({ sourceId: source.id })}\n\n`);
      liveStreams.follow({
        response,
        principal,
        credentials,
        permission: 'events:read',
        sourceId: source.id,
        mask,
      });
    },
  );
}
