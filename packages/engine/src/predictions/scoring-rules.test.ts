import { describe, expect, it } from 'vitest';
import { churnRiskOf } from './churn-risk.js';
import { calibrationByDecile, predictWin, trainLogistic } from './logistic-regression.js';
import { rfmScores, rfmSegmentOf } from './rfm.js';

describe('churn risk', () => {
  it('bands by P(alive) and by days since the last purchase', () => {
    expect(churnRiskOf(0.9, 10)).toBe('low');
    expect(churnRiskOf(0.5, 10)).toBe('medium');
    expect(churnRiskOf(0.2, 10)).toBe('high');
    expect(churnRiskOf(1, 91)).toBe('medium');
    expect(churnRiskOf(1, 181)).toBe('high');
  });
});

describe('RFM', () => {
  it('gives quintiles 1–5 with the best customer in 5 and ties sharing their middle rank', () => {
    const customers = Array.from({ length: 10 }, (_, i) => ({
      customerId: `c${i}`,
      daysSinceLastPurchase: 100 - i * 10,
      purchases: i < 5 ? 1 : i,
      totalValue: i * 10,
    }));
    const scores = rfmScores(customers);
    expect(scores.get('c9')).toEqual({ recency: 5, frequency: 5, monetary: 5, segment: 'Champions' });
    expect(scores.get('c0')).toEqual({ recency: 1, frequency: 2, monetary: 1, segment: 'Lost' });
    expect(scores.get('c2')?.recency).toBe(2);
    // c0..c4 all bought once: ranks 0–4 of 10, midpoint 25% → score 2 for each.
    expect(new Set([0, 1, 2, 3, 4].map((i) => scores.get(`c${i}`)?.frequency))).toEqual(new Set([2]));
    expect(scores.get('c5')?.frequency).toBe(3);
  });

  it('names every recency × frequency cell', () => {
    expect(rfmSegmentOf(5, 1)).toBe('New customers');
    expect(rfmSegmentOf(3, 4)).toBe('Loyal');
    expect(rfmSegmentOf(1, 5)).toBe("Can't lose them");
    expect(rfmSegmentOf(2, 3)).toBe('At risk');
    expect(rfmSegmentOf(2, 1)).toBe('Hibernating');
  });
});

describe('logistic regression', () => {
  it('recovers the sign and size of a known effect and is calibrated by decile', () => {
    // Deterministic data: win probability sigmoid(-1 + 2·x), the second feature is noise.
    const rows = Array.from({ length: 4000 }, (_, i) => {
      const x = ((i * 7919) % 4000) / 1000 - 2;
      const noise = ((i * 104729) % 997) / 997;
      const p = 1 / (1 + Math.exp(-(-1 + 2 * x)));
      return { values: [x, noise], won: ((i * 2654435761) % 1000) / 1000 < p };
    });
    const model = trainLogistic(['x', 'noise'], rows, 1);
    const sdX = model.scales[0] ?? 1;
    expect((model.weights[0] ?? 0) / sdX).toBeGreaterThan(1.6);
    expect((model.weights[0] ?? 0) / sdX).toBeLessThan(2.4);
    expect(Math.abs(model.weights[1] ?? 1)).toBeLessThan(0.2);
    const table = calibrationByDecile(
      rows.map((row) => ({ predicted: predictWin(model, row.values), won: row.won })),
    );
    expect(table).toHaveLength(10);
    for (const row of table) expect(Math.abs(row.predicted - row.actual)).toBeLessThan(0.1);
  });

  it('shrinks weights towards zero as the penalty grows', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ values: [i % 10], won: i % 10 >= 5 }));
    const light = trainLogistic(['x'], rows, 0.1);
    const heavy = trainLogistic(['x'], rows, 100);
    expect(Math.abs(heavy.weights[0] ?? 0)).toBeLessThan(Math.abs(light.weights[0] ?? 0));
  });
});
