import type { InsightQuery, InsightRange } from '@tandem/contract';

export const RANGE_LABELS: Record<InsightRange, string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '180d': 'Last 6 months',
  '365d': 'Last 12 months',
  custom: 'Custom (the query’s own dates)',
};

const RANGE_MS: Record<Exclude<InsightRange, 'custom'>, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
  '180d': 180 * 86_400_000,
  '365d': 365 * 86_400_000,
};

/**
 * The query as it runs now: a moving range becomes `from` = now − range (to the minute) and no
 * `to` (the server's default, now). Retention counts its cohorts back from `to` instead.
 */
export function queryForRange(query: InsightQuery, range: InsightRange, now = Date.now()): InsightQuery {
  if (range === 'custom' || query.kind === 'retention') return query;
  const from = new Date(Math.floor((now - RANGE_MS[range]) / 60_000) * 60_000).toISOString();
  const { to: _ignored, ...rest } = query;
  return { ...rest, from };
}
