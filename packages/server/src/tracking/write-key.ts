import type { FastifyRequest } from 'fastify';

/**
 * The write key of a Tracking API call: HTTP Basic username (Segment's SDKs), or `writeKey`
 * in the body (Segment's HTTP API allows both).
 */
export function writeKeyOf(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const username = decoded.split(':')[0];
    if (username) return username;
  }
  const body = request.body;
  if (body && typeof body === 'object' && 'writeKey' in body && typeof body.writeKey === 'string') {
    return body.writeKey || undefined;
  }
  return undefined;
}
