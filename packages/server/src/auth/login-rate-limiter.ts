/**
 * Fixed-window attempt counter for logins, keyed by client IP and email, so one attacker
 * cannot guess passwords quickly and one victim's account cannot be locked from everywhere.
 */
export class LoginRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; attempts: number }>();

  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts an attempt; returns the seconds to wait when the key is over its limit. */
  attempt(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.clock();
    if (this.windows.size > 10_000) this.evictExpired(now);
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.set(key, { startedAt: now, attempts: 1 });
      return { allowed: true };
    }
    window.attempts += 1;
    if (window.attempts <= this.maxAttempts) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((window.startedAt + this.windowMs - now) / 1000) };
  }

  /** A successful login clears the key's failures. */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    }
  }
}
