import type { FastifyInstance } from 'fastify';

// Paths other sites call or load (the Tracking API, the analytics.js bundle and its lazy chunks):
// readable cross-origin.
const CROSS_ORIGIN_PATHS = ['/v1/', '/analytics.js/', '/analytics-next/'];
const HSTS = 'max-age=31536000; includeSubDomains';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  // Mantine and the API docs set inline styles; scripts stay file-only.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** What every page and admin answer carries (Helmet's set, computed once rather than per request). */
const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** The Tracking API answers SDKs with small JSON: no page to protect, only sniffing to forbid. */
const CROSS_ORIGIN_HEADERS = {
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

/**
 * Security headers on every answer: a CSP without inline script, no framing, nosniff, no
 * referrer; HSTS only on requests that came over HTTPS.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const crossOrigin = CROSS_ORIGIN_PATHS.some((prefix) => request.url.startsWith(prefix));
    reply.headers(crossOrigin ? CROSS_ORIGIN_HEADERS : PAGE_HEADERS);
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
}
