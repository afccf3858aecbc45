import { SourceStatsSchema, StoredEventSchema, StoredRejectionSchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { type App, ERROR_RESPONSES, IdParamsSchema } from '../http/route-schemas.js';

const RecentQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const HEARTBEAT_MS = 15_000;

/** The source debugger: latest events and rejections, counters, and a live stream (SSE). */
export async function sourceDebuggerRoutes(app: App, options: { engine: Engine }) {
  const { engine } = options;
  const tags = ['Sources'];
  // Live streams never finish on their own: end them when the server shuts down.
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of openStreams) end();
  });

  app.get(
    '/api/v1/sources/:id/events',
    {
      config: { access: 'events:read' },
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
      config: { access: 'events:read' },
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
        params: IdParamsSchema,
        response: { 200: z.string().describe('text/event-stream'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const workspaceId = requirePrincipal(request.principal).workspaceId;
      const source = await engine.sources.get(workspaceId, request.params.id);
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      stream.write(`event: ready\ndata: ${JSON.stringify({ sourceId: source.id })}\n\n`);
      const unsubscribe = engine.collector.subscribe(source.id, (item) => {
        const data = item.kind === 'event' ? item.event : item.rejection;
        stream.write(`event: ${item.kind}\ndata: ${JSON.stringify(data)}\n\n`);
      });
      // Comments keep proxies from closing an idle stream.
      const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        openStreams.delete(end);
        stream.end();
      };
      openStreams.add(end);
      request.raw.on('close', end);
    },
  );
}
