import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryAfterMsOf } from './webhook-transport.js';

// Which answers of a webhook are retried, as docs/destinations.md documents them.
describe('a webhook answer', () => {
  it('is retried on 5xx but 501 and 505, and on 408 and 429; never on other 4xx', () => {
    const retried = [408, 429, 500, 502, 503, 504, 507, 599];
    const final = [400, 401, 403, 404, 409, 410, 413, 422, 501, 505];
    for (const status of retried) expect(isRetryableStatus(status), String(status)).toBe(true);
    for (const status of final) expect(isRetryableStatus(status), String(status)).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores what is neither', () => {
    const now = Date.parse('2026-12-06T08:00:00Z');
    expect(retryAfterMsOf('120', now)).toBe(120_000);
    expect(retryAfterMsOf(['7'], now)).toBe(7000);
    expect(retryAfterMsOf('Sun, 06 Dec 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMsOf('Sun, 06 Dec 2026 07:00:00 GMT', now)).toBe(0);
    expect(retryAfterMsOf('soon', now)).toBeUndefined();
    expect(retryAfterMsOf(undefined, now)).toBeUndefined();
  });
});
