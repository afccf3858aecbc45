import { createHash } from 'node:crypto';

/**
 * API tokens and session ids are long random secrets, so one SHA-256 is enough to keep them
 * unusable if the database leaks, and it keeps the per-request lookup cheap.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
