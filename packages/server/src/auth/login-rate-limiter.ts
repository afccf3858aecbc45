import { createHash } from 'node:crypto';

export interface LoginRateLimiterOptions {
  /** Attempts allowed per key and window. */
  readonly maxAttempts: number;
  /** Keys remembered at most; past it the oldest window is forgotten. */
  readonly maxKeys: number;
  readonly windowMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
}

interface AttemptWindow {
  startedAt: number;
  attempts: number;
}

/**
 * Fixed-window attempt counter for logins, keyed by client IP and email, so one attacker
 * cannot guess passwords quickly and one victim's account cannot be locked from everywhere.
 * Memory is bounded: keys are kept as fixed-size hashes, and at most `maxKeys` of them.
 */
export class LoginRateLimiter {
  // Insertion order is window start order (a restarted window is re-inserted): the first key is the oldest.
  private readonly windows = new Map<string, AttemptWindow>();
  private readonly maxAttempts: number;
  private readonly maxKeys: number;
  private readonly windowMs: number;
  private readonly clock: () => number;

  constructor(options: LoginRateLimiterOptions) {
    this.maxAttempts = options.maxAttempts;
    this.maxKeys = Math.max(1, options.maxKeys);
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.clock = options.clock ?? Date.now;
  }

  /** Keys currently remembered (never more than `maxKeys`). */
  get size(): number {
    return this.windows.size;
  }

  /** Counts an attempt; returns the seconds to wait when the key is over its limit. */
  attempt(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.clock();
    const hashed = hashOf(key);
    const window = this.windows.get(hashed);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(hashed);
      this.makeRoom(now);
      this.windows.set(hashed, { startedAt: now, attempts: 1 });
      return { allowed: true };
    }
    window.attempts += 1;
    if (window.attempts <= this.maxAttempts) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((window.startedAt + this.windowMs - now) / 1000) };
  }

  /** A successful login clears the key's failures. */
  reset(key: string): void {
    this.windows.delete(hashOf(key));
  }

  /** Drops expired windows from the oldest end, then the oldest live one if still full. */
  private makeRoom(now: number): void {
    for (const [key, window] of this.windows) {
      if (this.windows.size < this.maxKeys && now - window.startedAt < this.windowMs) return;
      this.windows.delete(key);
    }
  }
}

/** A fixed-size stand-in for a key: an email of any length costs the same few bytes. */
function hashOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}
