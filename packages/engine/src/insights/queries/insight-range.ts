import type { InsightInterval } from '@tandem/contract';
import { AppError } from '../../errors/index.js';

const DAY_MS = 86_400_000;
const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const UNIT_WORDS = { m: 'minutes', h: 'hours', d: 'days', w: 'days' } as const;

/** A duration of the contract (`7d`, `12h`) in seconds. */
export function durationSeconds(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof UNIT_SECONDS; // the contract's regex admits only these units
  return Number(duration.slice(0, -1)) * UNIT_SECONDS[unit];
}

/** A duration as a SQL interval literal; safe to inline, the contract admits only digits and a unit. */
export function intervalLiteral(duration: string): string {
  const unit = duration.slice(-1) as keyof typeof UNIT_WORDS;
  const amount = Number(duration.slice(0, -1)) * (unit === 'w' ? 7 : 1);
  if (!Number.isInteger(amount)) throw new Error(`not a duration: ${duration}`);
  return `INTERVAL '${amount} ${UNIT_WORDS[unit]}'`;
}

/** A query's [from, to): the last 30 days to now by default; from must come before to. */
export function rangeOf(query: { from?: string | undefined; to?: string | undefined }, now: number) {
  const to = query.to === undefined ? new Date(now) : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - 30 * DAY_MS) : new Date(query.from);
  if (from.getTime() >= to.getTime()) {
    throw new AppError('validation_failed', 'from must be before to', {
      details: [{ path: 'from', message: 'must be before to' }],
    });
  }
  return { from, to };
}

/** The start of the UTC interval holding `at` (weeks start on Monday). */
export function intervalStart(at: Date, interval: InsightInterval): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (interval) {
    case 'hour':
      return new Date(Date.UTC(y, m, d, at.getUTCHours()));
    case 'day':
      return new Date(Date.UTC(y, m, d));
    case 'week':
      return new Date(Date.UTC(y, m, d - ((at.getUTCDay() + 6) % 7)));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    default: {
      const unknown: never = interval;
      throw new Error(`unknown interval ${String(unknown)}`);
    }
  }
}

/** The interval start `count` intervals after `start` (negative: before). */
export function addIntervals(start: Date, interval: InsightInterval, count: number): Date {
  switch (interval) {
    case 'hour':
      return new Date(start.getTime() + count * 3_600_000);
    case 'day':
      return new Date(start.getTime() + count * DAY_MS);
    case 'week':
      return new Date(start.getTime() + count * 7 * DAY_MS);
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + count, 1));
    default: {
      const unknown: never = interval;
      throw new Error(`unknown interval ${String(unknown)}`);
    }
  }
}

/** Every interval start from the one holding `from` to the last one before `to`. */
export function intervalStarts(from: Date, to: Date, interval: InsightInterval): Date[] {
  const starts: Date[] = [];
  for (let at = intervalStart(from, interval); at < to; at = addIntervals(at, interval, 1)) {
    starts.push(at);
    if (starts.length > 10_000) {
      throw new AppError('validation_failed', `too many ${interval}s between from and to (at most 10000)`, {
        details: [{ path: 'interval', message: 'too many intervals in range' }],
      });
    }
  }
  return starts;
}
