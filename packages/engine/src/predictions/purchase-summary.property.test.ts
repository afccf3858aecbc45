import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Order, summarizePurchases } from './purchase-summary.js';

const DAY_MS = 86_400_000;
const START = Date.parse('2024-01-01T00:00:00.000Z');

// Orders of a few customers over 60 days, at any time of day, with cent values.
const ordersArbitrary = fc.array(
  fc.record({
    customerId: fc.constantFrom('a', 'b', 'c', 'd'),
    minute: fc.integer({ min: 0, max: 60 * 24 * 60 - 1 }),
    cents: fc.integer({ min: 0, max: 100_000 }),
  }),
  { maxLength: 60 },
);
const asOrders = (drawn: { customerId: string; minute: number; cents: number }[]): Order[] =>
  drawn.map((d) => ({
    customerId: d.customerId,
    timestamp: new Date(START + d.minute * 60_000).toISOString(),
    value: d.cents / 100,
  }));
const byCustomer = (summaries: ReturnType<typeof summarizePurchases>) =>
  Object.fromEntries(
    summaries.map((s) => [
      s.customerId,
      { ...s, monetary: Math.round(s.monetary * 1e6), totalValue: Math.round(s.totalValue * 1e6) },
    ]),
  );

describe('the purchase summary', () => {
  it('does not depend on the order the orders arrive in', () => {
    fc.assert(
      fc.property(ordersArbitrary, fc.integer(), (drawn, seed) => {
        const orders = asOrders(drawn);
        const shuffled = [...orders].sort(
          (left, right) =>
            ((orders.indexOf(left) * 7919 + seed) % 101) - ((orders.indexOf(right) * 7919 + seed) % 101),
        );
        const options = { calibrationEnd: '2024-02-15', timeUnit: 'day' } as const;
        expect(byCustomer(summarizePurchases(shuffled, options))).toEqual(
          byCustomer(summarizePurchases(orders, options)),
        );
      }),
    );
  });

  it('counts distinct UTC dates up to the calibration end and keeps recency within age', () => {
    fc.assert(
      fc.property(ordersArbitrary, fc.constantFrom('day', 'week' as const), (drawn, timeUnit) => {
        const orders = asOrders(drawn);
        const end = START + 45 * DAY_MS;
        for (const summary of summarizePurchases(orders, { calibrationEnd: '2024-02-15', timeUnit })) {
          const dates = new Set(
            orders
              .filter((o) => o.customerId === summary.customerId && Date.parse(o.timestamp) < end + DAY_MS)
              .map((o) => o.timestamp.slice(0, 10)),
          );
          expect(summary.purchases).toBe(dates.size);
          expect(summary.frequency).toBe(dates.size - 1);
          expect(summary.recency).toBeLessThanOrEqual(summary.age);
          expect(summary.recency === 0).toBe(summary.frequency === 0);
        }
      }),
    );
  });
});
