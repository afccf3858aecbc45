import type { ErrorBody, ErrorCode, ErrorDetail } from '@tandem/contract';
import { AppError } from '@tandem/engine';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { statusOf } from './error-status.js';
import { validationDetails } from './validation-details.js';

/** Sends the contract's error body; every failure path ends here. */
export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  options: { details?: ErrorDetail[] | undefined; retryAfterSeconds?: number | undefined } = {},
): FastifyReply {
  if (options.retryAfterSeconds !== undefined) reply.header('retry-after', String(options.retryAfterSeconds));
  const body: ErrorBody = {
    error: { code, message, ...(options.details ? { details: options.details } : {}) },
  };
  return reply.code(statusOf(code)).type('application/json; charset=utf-8').send(body);
}

// Fastify's own errors for bad requests, by their code.
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Unsupported Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', message: 'Invalid Content-Length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'Body is empty but Content-Type is JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'Body is not valid JSON' },
  // zlib, while decompressing a gzip/deflate body.
  Z_DATA_ERROR: { code: 'bad_request', message: 'Body is not valid for its Content-Encoding' },
  Z_BUF_ERROR: { code: 'bad_request', message: 'Body is truncated for its Content-Encoding' },
};

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return sendError(reply, error.code, error.message, {
        details: error.details,
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = validationDetails(error.validationContext ?? 'body', error.validation);
      const first = details[0];
      const message = first ? `Invalid ${first.path}: ${first.message}` : 'Invalid request';
      return sendError(reply, 'validation_failed', message, { details });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      return sendError(
        reply,
        'payload_too_large',
        `Request body exceeds the limit of ${limit} bytes for this endpoint`,
      );
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return sendError(reply, known.code, known.message);
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return sendError(reply, 'bad_request', error.message || 'Bad request');
    }
    if (error.statusCode === 415)
      return sendError(reply, 'unsupported_media_type', 'Unsupported Content-Type');
    if (error.statusCode === 413) return sendError(reply, 'payload_too_large', 'Request body is too large');
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 'internal', 'Internal error; the request id is in the x-request-id header');
  });
}
