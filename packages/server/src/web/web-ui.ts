import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/error-handler.js';

/** Where `npm run build` leaves the web UI, relative to this file in packages/server/dist/web. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const API_PREFIXES = ['/api/', '/v1/', '/healthz', '/readyz', '/metrics'];

/** Files under assets/ carry a content hash in their name: a new build never reuses a name. */
export const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';
/** index.html names the current build's assets: revalidated on every load, so a release shows at once. */
export const PAGE_CACHE = 'no-cache';

/**
 * Serves the built React app at `/`; unknown non-API paths answer index.html so the client
 * router can handle deep links. API paths keep answering JSON errors. The build writes brotli
 * and gzip copies beside each text asset (web/precompress-plugin.ts): the copy the client's
 * Accept-Encoding prefers is sent, with `Vary: Accept-Encoding`.
 */
export async function installWebUi(app: FastifyInstance, webDist: string): Promise<void> {
  const hasUi = existsSync(`${webDist}/index.html`);
  if (hasUi) {
    const assetsDir = `${webDist.replace(/[\\/]+$/, '')}${sep}assets${sep}`;
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: ['index.html'],
      preCompressed: true,
      // Set below, per file: send's default (max-age=0) fits neither kind.
      cacheControl: false,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.startsWith(assetsDir) ? HASHED_ASSET_CACHE : PAGE_CACHE);
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isApi = API_PREFIXES.some((prefix) => path.startsWith(prefix));
    // A chunk of an older build answers 404, not index.html: the page then says it failed to load.
    const isAsset = path.startsWith('/assets/');
    if (request.method === 'GET' && !isApi && !isAsset) {
      if (hasUi) return reply.sendFile('index.html');
      return reply
        .type('text/plain; charset=utf-8')
        .send('The Tandem web UI is not built. Run `npm run build`, then restart. The API is at /api/docs.');
    }
    return sendError(reply, 'not_found', `No route for ${request.method} ${path}`);
  });
}
