import type { SupportReportQuery } from '@tandem/contract';

const DAY_MS = 86_400_000;

/** A report's days (default: the last 30 up to today) and their [start, end) as ISO times. */
export function periodOf(query: SupportReportQuery, now: number) {
  const to = query.to ?? new Date(now).toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
  return { from, to, start: from, end: new Date(Date.parse(to) + DAY_MS).toISOString() };
}
