import type { Condition } from './condition.js';

/** Whether a JSON value (undefined when absent) meets a condition: the in-memory twin of condition-sql.ts. */
export function conditionHolds(value: unknown, condition: Condition, now: number): boolean {
  const present = value !== undefined && value !== null;
  switch (condition.op) {
    case 'exists':
      return present;
    case 'not_exists':
      return !present;
    case 'eq':
      return present && sameScalar(value, condition.value);
    case 'neq':
      return present && !sameScalar(value, condition.value);
    case 'gt':
      return typeof value === 'number' && value > condition.value;
    case 'gte':
      return typeof value === 'number' && value >= condition.value;
    case 'lt':
      return typeof value === 'number' && value < condition.value;
    case 'lte':
      return typeof value === 'number' && value <= condition.value;
    case 'contains':
      return typeof value === 'string' && value.includes(condition.value);
    case 'not_contains':
      return typeof value === 'string' && !value.includes(condition.value);
    case 'starts_with':
      return typeof value === 'string' && value.startsWith(condition.value);
    case 'ends_with':
      return typeof value === 'string' && value.endsWith(condition.value);
    case 'in':
      return present && condition.value.some((item) => sameScalar(value, item));
    case 'not_in':
      return present && !condition.value.some((item) => sameScalar(value, item));
    case 'before':
      return typeof value === 'string' && value < condition.value;
    case 'after':
      return typeof value === 'string' && value > condition.value;
    case 'within_last':
      return typeof value === 'string' && value >= isoAt(now - condition.ms) && value <= isoAt(now);
    default: {
      const unknown: never = condition;
      throw new Error(`unknown condition ${JSON.stringify(unknown)}`);
    }
  }
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

function sameScalar(value: unknown, operand: string | number | boolean): boolean {
  return typeof value === typeof operand && value === operand;
}
