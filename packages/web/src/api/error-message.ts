import { ApiError } from './api-client';

/** The sentence to show a person for a failed call: the server's message, or a plain fallback. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) return 'Too many attempts. Wait a minute and try again.';
    if (error.status === 403) return error.message || 'Your role does not allow this.';
    return error.message;
  }
  if (error instanceof TypeError) return 'Could not reach the Tandem server.';
  return 'Something went wrong.';
}
