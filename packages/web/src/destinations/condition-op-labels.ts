import type { ConditionOp } from '@tandem/contract';

/** Operators in words, as a marketer reads a condition: “total is at least 50”. */
export const CONDITION_OP_LABELS: Record<ConditionOp, string> = {
  eq: 'is',
  neq: 'is not',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  in: 'is one of',
  not_in: 'is none of',
  exists: 'is set',
  not_exists: 'is not set',
  before: 'is before',
  after: 'is after',
  within_last: 'is within the last',
};
