import type { ErrorCode } from '@tandem/contract';

/** The one place where error codes become HTTP statuses. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'bad_request':
    case 'invalid_json':
    case 'validation_failed':
      return 400;
    case 'unauthorized':
    case 'invalid_credentials':
      return 401;
    case 'forbidden':
    case 'csrf_failed':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'unprocessable':
      return 422;
    case 'rate_limited':
    case 'overloaded':
      return 429;
    case 'not_ready':
      return 503;
    case 'internal':
      return 500;
    default: {
      const unknownCode: never = code;
      throw new Error(`Unmapped error code ${String(unknownCode)}`);
    }
  }
}
