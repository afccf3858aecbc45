import { ErrorBodySchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { sendError } from '../http/error-handler.js';
import type { App } from '../http/route-schemas.js';

const StatusSchema = z.object({ status: z.string() });

/** Liveness, readiness and Prometheus metrics. */
export async function opsRoutes(app: App, options: { engine: Engine; metrics: Registry }) {
  const tags = ['Operations'];
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags, response: { 200: StatusSchema } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { tags, response: { 200: StatusSchema, 503: ErrorBodySchema } } },
    async (_request, reply) => {
      if (await options.engine.isReady()) return { status: 'ready' };
      return sendError(reply, 'not_ready', 'Storage is unreachable or migrations are pending');
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: { tags, description: 'Prometheus text exposition format', response: { 200: z.string() } },
    },
    async (_request, reply) => {
      reply.type(options.metrics.contentType);
      return options.metrics.metrics();
    },
  );
}
