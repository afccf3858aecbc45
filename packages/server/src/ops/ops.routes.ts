import { ErrorBodySchema } from '@tandem/contract';
import type { Engine } from '@tandem/engine';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { sendError } from '../http/error-handler.js';
import { bearerMatches } from '../http/metrics-access.js';
import type { App } from '../http/route-schemas.js';

const StatusSchema = z.object({ status: z.string() });

/**
 * Liveness, readiness and Prometheus metrics. Metrics are for operators: on this port only with
 * the metrics token (else they are served by the metrics listener, or not at all).
 */
export async function opsRoutes(
  app: App,
  options: { engine: Engine; metrics: Registry; metricsToken: string | undefined },
) {
  const { metricsToken } = options;
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
      schema: {
        tags,
        description:
          'Prometheus text exposition format. Needs `Authorization: Bearer <TANDEM_METRICS_TOKEN>`; closed (404) when that setting is unset.',
        response: { 200: z.string(), 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      if (metricsToken === undefined) {
        return sendError(
          reply,
          'not_found',
          '/metrics is closed on this port: set TANDEM_METRICS_TOKEN (then send Authorization: Bearer <it>) or TANDEM_METRICS_LISTEN (a listener of its own)',
        );
      }
      if (!bearerMatches(request.headers.authorization, metricsToken)) {
        return sendError(
          reply,
          'unauthorized',
          'Send Authorization: Bearer <TANDEM_METRICS_TOKEN> to read /metrics',
        );
      }
      reply.type(options.metrics.contentType);
      return options.metrics.metrics();
    },
  );
}
