/** Minutes the sliding window of the hourly cap is kept in. */
const WINDOW_MINUTES = 60;
const MINUTE = 60_000;

/**
 * A workspace's sending pace in this process: a token bucket of `perSecond` (the rate, with a
 * burst of one second's worth) and a sliding hour of per-minute send counts (the cap), seeded
 * from the messages sent in the last hour when first used.
 */
export class SendRate {
  private tokens: number;
  private refilledAt: number;
  /** Sends per minute (ms of the minute's start → count), the last hour's. */
  private readonly minutes = new Map<number, number>();

  constructor(
    private perSecond: number | null,
    private perHour: number | null,
    now: number,
    sentLastHour: readonly { readonly minute: number; readonly count: number }[] = [],
  ) {
    this.tokens = perSecond ?? Number.POSITIVE_INFINITY;
    this.refilledAt = now;
    for (const { minute, count } of sentLastHour) this.minutes.set(minute, count);
  }

  /** New settings take effect at once. */
  configure(perSecond: number | null, perHour: number | null): void {
    if (perSecond !== this.perSecond)
      this.tokens = Math.min(this.tokens, perSecond ?? Number.POSITIVE_INFINITY);
    this.perSecond = perSecond;
    this.perHour = perHour;
  }

  /** Sends that may go now (the smaller of the bucket and the hour's room). */
  available(now: number): number {
    this.refill(now);
    const hourRoom =
      this.perHour === null ? Number.POSITIVE_INFINITY : Math.max(0, this.perHour - this.sentInHour(now));
    return Math.min(this.tokens, hourRoom);
  }

  /** Takes up to `wanted` sends now; returns how many may go, and when to try for the rest. */
  take(wanted: number, now: number): { granted: number; retryAt: number } {
    this.refill(now);
    const inHour = this.sentInHour(now);
    const hourRoom = this.perHour === null ? Number.POSITIVE_INFINITY : Math.max(0, this.perHour - inHour);
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.tokens), hourRoom));
    this.tokens -= granted;
    this.count(granted, now);
    if (granted === wanted) return { granted, retryAt: now };
    // The rest: when the bucket holds a token again, or when the oldest minute leaves the hour.
    const byRate = this.perSecond === null ? now : now + Math.ceil(1000 / this.perSecond);
    const byCap = hourRoom > granted ? now : this.oldestMinute(now) + WINDOW_MINUTES * MINUTE;
    return { granted, retryAt: Math.max(byRate, byCap) };
  }

  /** Gives back sends taken but not made (a policy wait, a failure before the relay). */
  giveBack(count: number, now: number): void {
    if (count <= 0) return;
    if (this.perSecond !== null) this.tokens = Math.min(this.perSecond, this.tokens + count);
    const minute = now - (now % MINUTE);
    this.minutes.set(minute, Math.max(0, (this.minutes.get(minute) ?? 0) - count));
  }

  private refill(now: number): void {
    if (this.perSecond === null) {
      this.tokens = Number.POSITIVE_INFINITY;
    } else {
      const elapsed = Math.max(0, now - this.refilledAt);
      this.tokens = Math.min(this.perSecond, this.tokens + (elapsed * this.perSecond) / 1000);
    }
    this.refilledAt = now;
  }

  private sentInHour(now: number): number {
    const oldest = now - (now % MINUTE) - (WINDOW_MINUTES - 1) * MINUTE;
    let total = 0;
    for (const [minute, count] of this.minutes) {
      if (minute < oldest) this.minutes.delete(minute);
      else total += count;
    }
    return total;
  }

  private oldestMinute(now: number): number {
    let oldest = now - (now % MINUTE);
    for (const [minute, count] of this.minutes) if (count > 0 && minute < oldest) oldest = minute;
    return oldest;
  }

  private count(sent: number, now: number): void {
    if (sent <= 0) return;
    const minute = now - (now % MINUTE);
    this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + sent);
  }
}
