import { CHURN_THRESHOLDS, type ChurnRisk } from '@tandem/contract';

/** The churn band from P(alive) and days since the last purchase (thresholds in the contract). */
export function churnRiskOf(probabilityAlive: number, daysSinceLastPurchase: number): ChurnRisk {
  const t = CHURN_THRESHOLDS;
  if (probabilityAlive < t.highBelowProbabilityAlive || daysSinceLastPurchase > t.highAfterDays)
    return 'high';
  if (probabilityAlive < t.mediumBelowProbabilityAlive || daysSinceLastPurchase > t.mediumAfterDays)
    return 'medium';
  return 'low';
}
