import type { PredictiveLeadScore } from '@tandem/contract';
import { calibrationByDecile, type LogisticModel, predictWin, trainLogistic } from './logistic-regression.js';

/** What the lead score learns from about one person: numeric traits, computed traits, engagement. */
export type FeatureValues = ReadonlyMap<string, number>;

export interface DealOutcome {
  readonly profileId: string;
  readonly won: boolean;
}

/** Fewest closed deals of each outcome before a model is trained (fewer teaches only noise). */
export const MIN_OUTCOMES_EACH = 3;
const MAX_FEATURES = 30;

/** Numeric values of a record, prefixed (`trait.`, `computed.`): booleans count as 0/1. */
export function numericFeatures(prefix: string, values: Record<string, unknown>): [string, number][] {
  const features: [string, number][] = [];
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'number' && Number.isFinite(value)) features.push([`${prefix}${name}`, value]);
    else if (typeof value === 'boolean') features.push([`${prefix}${name}`, value ? 1 : 0]);
  }
  return features;
}

/**
 * Trains on closed deals (one row per deal and person) over the features most people have; null
 * until there are MIN_OUTCOMES_EACH won and lost. Missing values take the training mean.
 */
export function trainLeadScore(
  outcomes: readonly DealOutcome[],
  featuresOf: ReadonlyMap<string, FeatureValues>,
): { model: LogisticModel; summary: PredictiveLeadScore } | null {
  const won = outcomes.filter((o) => o.won).length;
  const lost = outcomes.length - won;
  if (won < MIN_OUTCOMES_EACH || lost < MIN_OUTCOMES_EACH) return null;
  const coverage = new Map<string, number>();
  for (const outcome of outcomes)
    for (const name of featuresOf.get(outcome.profileId)?.keys() ?? [])
      coverage.set(name, (coverage.get(name) ?? 0) + 1);
  const features = [...coverage]
    .filter(([, count]) => count >= outcomes.length * 0.1)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_FEATURES)
    .map(([name]) => name);
  const meanOf = new Map(
    features.map((name) => {
      const present = outcomes
        .map((o) => featuresOf.get(o.profileId)?.get(name))
        .filter((v) => v !== undefined);
      return [name, present.reduce((sum, v) => sum + v, 0) / Math.max(1, present.length)];
    }),
  );
  const vectorOf = (profileId: string) =>
    features.map((name) => featuresOf.get(profileId)?.get(name) ?? meanOf.get(name) ?? 0);
  const rows = outcomes.map((o) => ({ values: vectorOf(o.profileId), won: o.won }));
  const model = trainLogistic(features, rows);
  const calibration = calibrationByDecile(
    rows.map((row) => ({ predicted: predictWin(model, row.values), won: row.won })),
  );
  return {
    model,
    summary: {
      won,
      lost,
      features: features
        .map((feature, j) => ({ feature, weight: model.weights[j] ?? 0 }))
        .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)),
      calibration,
    },
  };
}

/** A person's score 0–100: the predicted chance of winning a deal with them. */
export function leadScoreOf(model: LogisticModel, features: FeatureValues | undefined): number {
  // A feature the person lacks takes the training mean, so it moves nothing.
  const values = model.features.map((name, j) => features?.get(name) ?? model.means[j] ?? 0);
  return Math.round(predictWin(model, values) * 1000) / 10;
}
