import type { ErrorDetail } from '@tandem/contract';
import { AppError, type Result } from '@tandem/engine';

/** The value of a domain result, or a 422 naming each invalid field. */
export function valueOrUnprocessable<T>(result: Result<T, ErrorDetail[]>): T {
  if (result.ok) return result.value;
  const first = result.error[0];
  const message = first ? `Invalid ${first.path}: ${first.message}` : 'Invalid request';
  throw new AppError('unprocessable', message, { details: result.error });
}

/** The value of a domain result, or a 400 naming each invalid field. */
export function valueOrBadRequest<T>(result: Result<T, ErrorDetail[]>): T {
  if (result.ok) return result.value;
  const first = result.error[0];
  const message = first ? `Invalid ${first.path}: ${first.message}` : 'Invalid request';
  throw new AppError('validation_failed', message, { details: result.error });
}
