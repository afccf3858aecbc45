import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/error-handler.js';

/** Where `npm run build` leaves the web UI, relative to this file in packages/server/dist/web. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const API_PREFIXES = ['/api/', '/v1/', '/healthz', '/readyz', '/metrics'];

/**
 * Serves the built React app at `/`; unknown non-API paths answer index.html so the client
 * router can handle deep links. API paths keep answering JSON errors.
 */
export async function installWebUi(app: FastifyInstance, webDist: string): Promise<void> {
  const hasUi = existsSync(`${webDist}/index.html`);
  if (hasUi) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isApi = API_PREFIXES.some((prefix) => path.startsWith(prefix));
    if (request.method === 'GET' && !isApi) {
      if (hasUi) return reply.sendFile('index.html');
      return reply
        .type('text/plain; charset=utf-8')
        .send('The Tandem web UI is not built. Run `npm run build`, then restart. The API is at /api/docs.');
    }
    return sendError(reply, 'not_found', `No route for ${request.method} ${path}`);
  });
}
