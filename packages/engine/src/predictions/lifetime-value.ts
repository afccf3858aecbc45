import { type BgNbdParams, conditionalExpectedPurchases, type PurchaseHistory } from './bgnbd.js';

export interface LifetimeValueInput {
  readonly bgNbd: BgNbdParams;
  readonly customer: PurchaseHistory;
  /** The expected value of each future purchase (Gamma-Gamma's conditional expectation). */
  readonly expectedSpend: number;
  /** How many of the history's time units make a month: 30 for days, 30/7 for weeks. */
  readonly unitsPerMonth: number;
  readonly months?: number | undefined;
  /** Discount per month. Default 0.01. */
  readonly monthlyDiscount?: number | undefined;
}

/** Discounted value of the next months' expected purchases, month by month (as `lifetimes` computes it). */
export function lifetimeValue(input: LifetimeValueInput): number {
  const months = input.months ?? 12;
  const discount = input.monthlyDiscount ?? 0.01;
  let value = 0;
  let before = 0;
  for (let month = 1; month <= months; month++) {
    const upTo = conditionalExpectedPurchases(input.bgNbd, input.customer, month * input.unitsPerMonth);
    value += (input.expectedSpend * (upTo - before)) / (1 + discount) ** month;
    before = upTo;
  }
  return value;
}
