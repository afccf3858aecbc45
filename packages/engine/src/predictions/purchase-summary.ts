import type { PurchaseHistory } from './bgnbd.js';

/** One order as read from the log: whose, when (ISO timestamp) and its value (0 when it has none). */
export interface Order {
  readonly customerId: string;
  readonly timestamp: string;
  readonly value: number;
}

export type TimeUnit = 'day' | 'week';

/** A customer's purchase summary in the chosen time unit, plus what the predictions page shows. */
export interface CustomerSummary extends PurchaseHistory {
  readonly customerId: string;
  /** Mean value of the repeat purchases (the first excluded), 0 without repeats: Gamma-Gamma's input. */
  readonly monetary: number;
  /** Purchases counted (distinct UTC dates) including the first, and their total value. */
  readonly purchases: number;
  readonly totalValue: number;
  /** UTC date (YYYY-MM-DD) of the last purchase. */
  readonly lastPurchaseDate: string;
}

const DAY_MS = 86_400_000;

/**
 * Orders → per-customer (x, t_x, T, monetary), as in the published CDNOW analyses: orders on the same
 * UTC date are one purchase (values summed); recency and age are whole days between UTC dates
 * (first purchase, last purchase, calibration end), divided by 7 for weeks; later orders are ignored.
 */
export function summarizePurchases(
  orders: Iterable<Order>,
  options: { calibrationEnd: string; timeUnit: TimeUnit },
): CustomerSummary[] {
  const endDay = dayNumberOf(options.calibrationEnd);
  const unit = options.timeUnit === 'week' ? 7 : 1;
  const valueByDay = new Map<string, Map<number, number>>();
  for (const order of orders) {
    const day = dayNumberOf(order.timestamp);
    if (day > endDay) continue;
    const days = valueByDay.get(order.customerId) ?? new Map<number, number>();
    valueByDay.set(order.customerId, days);
    days.set(day, (days.get(day) ?? 0) + (Number.isFinite(order.value) ? order.value : 0));
  }
  const summaries: CustomerSummary[] = [];
  for (const [customerId, days] of valueByDay) {
    const ordered = [...days.keys()].sort((left, right) => left - right);
    const first = ordered[0] ?? endDay;
    const last = ordered.at(-1) ?? first;
    const repeatValues = ordered.slice(1).map((day) => days.get(day) ?? 0);
    const totalValue = ordered.reduce((sum, day) => sum + (days.get(day) ?? 0), 0);
    summaries.push({
      customerId,
      frequency: ordered.length - 1,
      recency: (last - first) / unit,
      age: (endDay - first) / unit,
      monetary:
        repeatValues.length > 0 ? repeatValues.reduce((sum, v) => sum + v, 0) / repeatValues.length : 0,
      purchases: ordered.length,
      totalValue,
      lastPurchaseDate: new Date(last * DAY_MS).toISOString().slice(0, 10),
    });
  }
  return summaries;
}

/** Whole days since 1970-01-01 of an ISO date or timestamp's UTC date. */
export function dayNumberOf(isoDateOrTimestamp: string): number {
  const ms = Date.parse(
    isoDateOrTimestamp.length === 10 ? `${isoDateOrTimestamp}T00:00:00Z` : isoDateOrTimestamp,
  );
  if (Number.isNaN(ms)) throw new Error(`not an ISO date: ${isoDateOrTimestamp}`);
  return Math.floor(ms / DAY_MS);
}
