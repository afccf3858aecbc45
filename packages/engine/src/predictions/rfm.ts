import type { RfmScore, RfmSegment } from '@tandem/contract';

export interface RfmInput {
  readonly customerId: string;
  readonly daysSinceLastPurchase: number;
  readonly purchases: number;
  readonly totalValue: number;
}

/**
 * Recency, frequency and monetary quintiles (5 best) over a workspace's customers, and the named
 * segment of each recency × frequency cell. Equal values share a score (the lowest rank's).
 */
export function rfmScores(customers: readonly RfmInput[]): Map<string, RfmScore> {
  const recency = quintiles(customers, (c) => -c.daysSinceLastPurchase);
  const frequency = quintiles(customers, (c) => c.purchases);
  const monetary = quintiles(customers, (c) => c.totalValue);
  const scores = new Map<string, RfmScore>();
  customers.forEach((customer, i) => {
    const r = recency[i] ?? 1;
    const f = frequency[i] ?? 1;
    scores.set(customer.customerId, {
      recency: r,
      frequency: f,
      monetary: monetary[i] ?? 1,
      segment: rfmSegmentOf(r, f),
    });
  });
  return scores;
}

/** Score 1..5 of each item by its rank on `measure` (higher measure, higher score). */
function quintiles<Item>(items: readonly Item[], measure: (item: Item) => number): number[] {
  const order = items
    .map((item, index) => ({ value: measure(item), index }))
    .sort((a, b) => a.value - b.value);
  const scores = new Array<number>(items.length).fill(1);
  let rankOfValue = 0;
  order.forEach((entry, rank) => {
    if (rank > 0 && entry.value !== order[rank - 1]?.value) rankOfValue = rank;
    scores[entry.index] = 1 + Math.floor((5 * rankOfValue) / items.length);
  });
  return scores;
}

/** The usual recency × frequency segment map. */
export function rfmSegmentOf(recency: number, frequency: number): RfmSegment {
  if (recency >= 4) {
    if (frequency >= 4) return 'Champions';
    if (frequency >= 2) return 'Potential loyalists';
    return recency === 5 ? 'New customers' : 'Promising';
  }
  if (recency === 3) {
    if (frequency >= 4) return 'Loyal';
    if (frequency === 3) return 'Need attention';
    return 'About to sleep';
  }
  if (frequency === 5) return "Can't lose them";
  if (frequency >= 3) return 'At risk';
  return recency === 2 ? 'Hibernating' : 'Lost';
}
