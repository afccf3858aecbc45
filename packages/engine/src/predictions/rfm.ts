import type { RfmScore, RfmSegment } from '@tandem/contract';

export interface RfmInput {
  readonly customerId: string;
  readonly daysSinceLastPurchase: number;
  readonly purchases: number;
  readonly totalValue: number;
}

/**
 * Recency, frequency and monetary quintiles (5 best) over a workspace's customers, and the named
 * segment of each recency × frequency cell. Equal values share a score.
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

/**
 * Score 1..5 of each item by where it sits on `measure` (higher measure, higher score): the
 * midpoint of its tie group's ranks as a share of all items, in fifths.
 */
function quintiles<Item>(items: readonly Item[], measure: (item: Item) => number): number[] {
  const order = items
    .map((item, index) => ({ value: measure(item), index }))
    .sort((a, b) => a.value - b.value);
  const scores = new Array<number>(items.length).fill(1);
  let low = 0;
  while (low < order.length) {
    let high = low;
    while (high + 1 < order.length && order[high + 1]?.value === order[low]?.value) high++;
    const share = (low + high + 1) / (2 * order.length);
    for (let rank = low; rank <= high; rank++) {
      const entry = order[rank];
      if (entry) scores[entry.index] = Math.min(5, 1 + Math.floor(5 * share));
    }
    low = high + 1;
  }
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
