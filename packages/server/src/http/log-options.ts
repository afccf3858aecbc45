import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';

// Headers and fields that carry credentials or personal data, wherever a log line puts them.
const SECRET_FIELDS = ['authorization', 'cookie', 'x-csrf-token', 'set-cookie'];
const PERSONAL_FIELDS = [
  'email',
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'writeKey',
  'secret',
];

export const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((name) => [
    `req.headers["${name}"]`,
    `res.headers["${name}"]`,
    `headers["${name}"]`,
  ]),
  ...PERSONAL_FIELDS.flatMap((name) => [name, `*.${name}`, `body.${name}`, `req.body.${name}`]),
];

// Route parameters that are credentials (the analytics.js and settings URLs carry a write key).
const SECRET_PARAM = /key|token|secret/i;

/**
 * The request as logged: the path without its query string (search terms are personal data),
 * with credential parameters masked.
 */
export function requestForLog(request: FastifyRequest) {
  let path = request.url.split('?')[0] ?? '/';
  const params = request.params;
  if (params && typeof params === 'object') {
    for (const [name, value] of Object.entries(params)) {
      if (SECRET_PARAM.test(name) && typeof value === 'string' && value.length > 0) {
        path = path.split(encodeURIComponent(value)).join('[redacted]').split(value).join('[redacted]');
      }
    }
  }
  return {
    method: request.method,
    url: path,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** pino options of the server: level, redaction, and the request serializer above. */
export function logOptions(
  level: string,
  stream?: DestinationStream,
): NonNullable<FastifyServerOptions['logger']> {
  const options: LoggerOptions & { stream?: DestinationStream } = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: requestForLog },
  };
  if (stream) options.stream = stream;
  // pino's options with Fastify's request serializer: the shape Fastify's `logger` accepts.
  return options as NonNullable<FastifyServerOptions['logger']>;
}
