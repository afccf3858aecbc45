import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchasesOfNewCustomer,
  fitBgNbd,
} from './bgnbd.js';
import { cdnowFrequencySummary, cdnowSummary, cdnowTransactions } from './cdnow-fixtures.js';
import { conditionalExpectedSpend, fitGammaGamma, gammaGammaLogLikelihoodOf } from './gamma-gamma.js';
import { lifetimeValue } from './lifetime-value.js';
import { summarizePurchases } from './purchase-summary.js';

/** Rounds to three significant figures, the precision the paper prints. */
const threeFigures = (value: number) => Number(value.toPrecision(3));

describe('BG/NBD and Gamma-Gamma against the published CDNOW fits', () => {
  const bgNbd = fitBgNbd(cdnowFrequencySummary());
  const gammaGamma = fitGammaGamma(cdnowSummary());

  it("fits the paper's BG/NBD parameters to three significant figures, LL −9582.4", () => {
    const { r, alpha, a, b } = bgNbd.params;
    expect([r, alpha, a, b].map(threeFigures)).toEqual([0.243, 4.41, 0.793, 2.43]);
    expect(bgNbd.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(bgNbd.customers).toBe(2357);
    // lifetimes' printed coefficients, tighter than the paper's rounding.
    expect(r).toBeCloseTo(0.242593, 4);
    expect(alpha).toBeCloseTo(4.413532, 3);
    expect(a).toBeCloseTo(0.792886, 3);
    expect(b).toBeCloseTo(2.425752, 2);
  });

  it('reports the log-likelihood the per-customer formulas give (the fast grouped sum agrees)', () => {
    expect(bgNbd.logLikelihood).toBeCloseTo(bgNbdLogLikelihood(bgNbd.params, cdnowFrequencySummary()), 6);
    const repeaters = cdnowSummary().filter((c) => c.frequency > 0);
    const summed = repeaters.reduce((sum, c) => sum + gammaGammaLogLikelihoodOf(gammaGamma.params, c), 0);
    expect(gammaGamma.logLikelihood).toBeCloseTo(summed, 6);
  });

  it("gives Hardie's 1.226 conditional expectation for x=2, t_x=30.43, T=38.86 over 39 weeks", () => {
    const expected = conditionalExpectedPurchases(
      bgNbd.params,
      { frequency: 2, recency: 30.43, age: 38.86 },
      39,
    );
    expect(Math.abs(expected - 1.226)).toBeLessThanOrEqual(0.001);
  });

  it('gives the unconditional E[X(t)] list', () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => {
      expect(expectedPurchasesOfNewCustomer(bgNbd.params, t)).toBeCloseTo(expected[i] ?? Number.NaN, 3);
    });
  });

  it('fits Gamma-Gamma on the 946 repeaters: p 6.25, q 3.74, gamma 15.4', () => {
    const { p, q, gamma } = gammaGamma.params;
    expect(gammaGamma.customers).toBe(946);
    expect([p, q, gamma].map(threeFigures)).toEqual([6.25, 3.74, 15.4]);
    expect(p).toBeCloseTo(6.25, 2);
    expect(q).toBeCloseTo(3.74, 2);
    expect(Math.abs(gamma - 15.44)).toBeLessThan(0.01);
  });

  it('gives the expected average spend of customers 1–10 and the population mean 35.2530', () => {
    const customers = cdnowSummary();
    const spends = customers.slice(0, 10).map((c) => conditionalExpectedSpend(gammaGamma.params, c));
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    spends.forEach((spend, i) => {
      expect(Math.abs(spend - (expected[i] ?? Number.NaN))).toBeLessThan(0.1);
    });
    const mean =
      customers.reduce((sum, c) => sum + conditionalExpectedSpend(gammaGamma.params, c), 0) /
      customers.length;
    expect(mean).toBeCloseTo(35.253, 2);
  });

  it("reproduces lifetimes' 12-month CLV of customers 1–10 (its default month of 30 time units)", () => {
    // lifetimes' docs pass the weekly CDNOW file with freq='D', so a "month" there is 30 weeks.
    const customers = cdnowSummary().slice(0, 10);
    const fit = fitBgNbd(cdnowSummary());
    const values = customers.map((customer) =>
      lifetimeValue({
        bgNbd: fit.params,
        customer,
        expectedSpend: conditionalExpectedSpend(gammaGamma.params, customer),
        unitsPerMonth: 30,
      }),
    );
    const expected = [140.1, 18.94, 38.18, 38.18, 38.18, 1003.87, 28.11, 38.18, 167.42, 38.18];
    values.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 1);
    });
  });

  it('builds the summary file from the raw transactions (calibration end 1997-09-30, weeks)', () => {
    const orders = cdnowTransactions().map((t) => ({
      customerId: t.customerId,
      timestamp: t.date,
      value: t.value,
    }));
    const built = new Map(
      summarizePurchases(orders, { calibrationEnd: '1997-09-30', timeUnit: 'week' }).map((s) => [
        s.customerId,
        s,
      ]),
    );
    const published = cdnowSummary();
    expect(built.size).toBe(published.length);
    for (const row of published) {
      const summary = built.get(row.id);
      expect(summary, row.id).toBeDefined();
      expect(summary?.frequency, row.id).toBe(row.frequency);
      // The file prints two decimals: equal after rounding (half a cent either way).
      for (const field of ['recency', 'age', 'monetary'] as const)
        expect(
          Math.abs((summary?.[field] ?? Number.NaN) - row[field]),
          `${row.id} ${field}`,
        ).toBeLessThanOrEqual(0.00501);
    }
    const refit = fitBgNbd([...built.values()]);
    expect(refit.params.r).toBeCloseTo(bgNbd.params.r, 3);
    expect(refit.params.alpha).toBeCloseTo(bgNbd.params.alpha, 1);
    expect(refit.logLikelihood).toBeCloseTo(-9582.4, 0);
  });
});
