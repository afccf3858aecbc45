import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { LoginRateLimiter } from './login-rate-limiter.js';

/** The heap in use after a full garbage collection (V8's gc made callable for the measurement). */
function liveHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') gc();
  return process.memoryUsage().heapUsed;
}

describe('the login rate limiter', () => {
  it('refuses a key past its attempts until the window ends', () => {
    let now = 0;
    const limiter = new LoginRateLimiter({ maxAttempts: 2, maxKeys: 10, windowMs: 1000, clock: () => now });
    expect(limiter.attempt('ip|a@example.com').allowed).toBe(true);
    expect(limiter.attempt('ip|a@example.com').allowed).toBe(true);
    expect(limiter.attempt('ip|a@example.com')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.attempt('ip|b@example.com').allowed).toBe(true);
    now = 1000;
    expect(limiter.attempt('ip|a@example.com').allowed).toBe(true);
  });

  it('stays at its bound of keys under 100,000 distinct attempts, with a flat heap', () => {
    const limiter = new LoginRateLimiter({ maxAttempts: 10, maxKeys: 1000, clock: () => 0 });
    const padding = 'x'.repeat(240);
    const warmUp = (from: number, to: number) => {
      for (let i = from; i < to; i += 1) limiter.attempt(`203.0.113.7|${padding}${i}@example.com`);
    };
    warmUp(0, 1000);
    const heapBefore = liveHeapBytes();
    warmUp(1000, 100_000);
    const heapGrowthMb = (liveHeapBytes() - heapBefore) / 1024 / 1024;
    expect(limiter.size).toBe(1000);
    // 99,000 more entries would hold ~10 MB as hashes, ~30 MB as the keys themselves.
    expect(heapGrowthMb).toBeLessThan(3);
  });

  it('forgets the oldest window first when full', () => {
    let now = 0;
    const limiter = new LoginRateLimiter({ maxAttempts: 1, maxKeys: 2, clock: () => now });
    limiter.attempt('first');
    now = 1;
    limiter.attempt('second');
    limiter.attempt('second');
    now = 2;
    limiter.attempt('third');
    expect(limiter.size).toBe(2);
    // `second` is still counted (refused), `first` was forgotten (allowed anew).
    expect(limiter.attempt('second').allowed).toBe(false);
    expect(limiter.attempt('first').allowed).toBe(true);
  });
});

describe('the login endpoint', () => {
  it('refuses an email over 254 or a password over 256 characters, naming the field', async () => {
    const server = await startTestServer('sqlite');
    try {
      const login = (payload: { email: string; password: string }) =>
        server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
      const longEmail = await login({ email: `${'a'.repeat(250)}@example.com`, password: 'irrelevant' });
      expect(longEmail.statusCode).toBe(400);
      expect(longEmail.json().error.message).toContain('body.email');
      const longPassword = await login({ email: 'a@example.com', password: 'p'.repeat(257) });
      expect(longPassword.statusCode).toBe(400);
      expect(longPassword.json().error.message).toContain('body.password');
    } finally {
      await server.close();
    }
  });
});
