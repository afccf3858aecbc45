import type { PersonPredictions, PredictionsOverview, RfmSegment } from '@tandem/contract';
import { type BgNbdParams, conditionalExpectedPurchases, fitBgNbd, probabilityAlive } from './bgnbd.js';
import { churnRiskOf } from './churn-risk.js';
import { conditionalExpectedSpend, fitGammaGamma, type GammaGammaParams } from './gamma-gamma.js';
import { lifetimeValue } from './lifetime-value.js';
import { type CustomerSummary, dayNumberOf, type TimeUnit } from './purchase-summary.js';
import { rfmScores } from './rfm.js';

/** Fits a workspace's models on its customer summaries; a model with nothing to learn from is null. */
export function fitModels(customers: readonly CustomerSummary[], hasValues: boolean) {
  const repeaters = customers.filter((c) => c.frequency > 0);
  const bgNbd = repeaters.length > 0 ? fitBgNbd(customers) : null;
  const spenders = repeaters.filter((c) => c.monetary > 0);
  const gammaGamma = hasValues && spenders.length > 1 ? fitGammaGamma(customers) : null;
  return { bgNbd, gammaGamma };
}

/** Each customer's predictions (keyed by profile) from the fitted models, as of the calibration end. */
export function predictCustomers(input: {
  customers: readonly CustomerSummary[];
  bgNbd: BgNbdParams | null;
  gammaGamma: GammaGammaParams | null;
  timeUnit: TimeUnit;
  today: string;
  computedAt: string;
}): Map<string, PersonPredictions> {
  const unitDays = input.timeUnit === 'week' ? 7 : 1;
  const todayNumber = dayNumberOf(input.today);
  const daysSince = (c: CustomerSummary) => todayNumber - dayNumberOf(c.lastPurchaseDate);
  const rfm = rfmScores(
    input.customers.map((c) => ({
      customerId: c.customerId,
      daysSinceLastPurchase: daysSince(c),
      purchases: c.purchases,
      totalValue: c.totalValue,
    })),
  );
  const predictions = new Map<string, PersonPredictions>();
  for (const customer of input.customers) {
    const { bgNbd, gammaGamma } = input;
    const alive = bgNbd ? probabilityAlive(bgNbd, customer) : null;
    const spend = gammaGamma ? conditionalExpectedSpend(gammaGamma, customer) : null;
    predictions.set(customer.customerId, {
      profileId: customer.customerId,
      computedAt: input.computedAt,
      purchases: customer.purchases,
      daysSinceLastPurchase: daysSince(customer),
      expectedPurchases30d: bgNbd ? conditionalExpectedPurchases(bgNbd, customer, 30 / unitDays) : null,
      expectedPurchases90d: bgNbd ? conditionalExpectedPurchases(bgNbd, customer, 90 / unitDays) : null,
      probabilityAlive: alive,
      expectedSpend: spend,
      lifetimeValue12m:
        bgNbd && spend !== null
          ? lifetimeValue({ bgNbd, customer, expectedSpend: spend, unitsPerMonth: 30 / unitDays })
          : null,
      churnRisk: alive === null ? null : churnRiskOf(alive, daysSince(customer)),
      rfm: rfm.get(customer.customerId) ?? null,
      leadScore: null,
    });
  }
  return predictions;
}

/** The distributions the predictions page draws. */
export function distributionsOf(
  predictions: Iterable<PersonPredictions>,
): Pick<PredictionsOverview, 'probabilityAlive' | 'churnRisk' | 'rfmSegments' | 'rfmGrid'> {
  const bands = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, people: 0 }));
  const churnRisk = { low: 0, medium: 0, high: 0 };
  const segments = new Map<RfmSegment, number>();
  const grid = new Map<string, { recency: number; frequency: number; people: number }>();
  for (const person of predictions) {
    if (person.probabilityAlive !== null) {
      const band = bands[Math.min(9, Math.floor(person.probabilityAlive * 10))];
      if (band) band.people++;
    }
    if (person.churnRisk) churnRisk[person.churnRisk]++;
    if (person.rfm) {
      segments.set(person.rfm.segment, (segments.get(person.rfm.segment) ?? 0) + 1);
      const key = `${person.rfm.recency}:${person.rfm.frequency}`;
      const cell = grid.get(key) ?? {
        recency: person.rfm.recency,
        frequency: person.rfm.frequency,
        people: 0,
      };
      cell.people++;
      grid.set(key, cell);
    }
  }
  return {
    probabilityAlive: bands,
    churnRisk,
    rfmSegments: [...segments]
      .map(([segment, people]) => ({ segment, people }))
      .sort((a, b) => b.people - a.people),
    rfmGrid: [...grid.values()],
  };
}
