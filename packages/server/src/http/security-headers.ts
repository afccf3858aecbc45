import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

// Paths other sites call or load (the Tracking API, the analytics.js bundle): readable cross-origin.
const CROSS_ORIGIN_PATHS = ['/v1/', '/analytics.js/'];
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every answer: a CSP without inline script (Mantine and the API docs set
 * inline styles), no framing, nosniff, no referrer; HSTS only on requests that came over HTTPS.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Set below, only over HTTPS: over plain HTTP it would be ignored, or pin a wrong scheme.
    strictTransportSecurity: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    if (CROSS_ORIGIN_PATHS.some((prefix) => request.url.startsWith(prefix))) {
      reply.header('cross-origin-resource-policy', 'cross-origin');
    }
  });
}
