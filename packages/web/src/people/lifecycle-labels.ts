import type { LifecycleStage } from '@tandem/contract';

/** How each lifecycle stage reads in the UI. */
export const LIFECYCLE_LABELS: Readonly<Record<LifecycleStage, string>> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  mql: 'MQL',
  sql: 'SQL',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};

export const LIFECYCLE_OPTIONS = Object.entries(LIFECYCLE_LABELS).map(([value, label]) => ({ value, label }));
