import type { ConditionOp, ErrorDetail } from '@tandem/contract';
import type { Result } from '../errors/index.js';
import { durationMs } from './duration.js';

/** A condition on one JSON value, its operand normalized (dates as ISO text, durations in ms). */
export type Condition =
  | { readonly op: 'exists' | 'not_exists' }
  | { readonly op: 'eq' | 'neq'; readonly value: string | number | boolean }
  | { readonly op: 'gt' | 'gte' | 'lt' | 'lte'; readonly value: number }
  | { readonly op: 'contains' | 'not_contains' | 'starts_with' | 'ends_with'; readonly value: string }
  | { readonly op: 'in' | 'not_in'; readonly value: readonly (string | number | boolean)[] }
  | { readonly op: 'before' | 'after'; readonly value: string }
  | { readonly op: 'within_last'; readonly ms: number };

type Issues = ErrorDetail[];

/** Property conditions of an event leaf or a computed trait, validated. */
export function compileWhere(
  where: readonly { property: string; op: ConditionOp; value?: unknown }[],
  path: string,
): Result<{ property: string; condition: Condition }[], Issues> {
  const issues: Issues = [];
  const compiled = where.map((w, i) => {
    const condition = compileCondition(w.op, w.value, `${path}.${i}`, issues);
    return condition && { property: w.property, condition };
  });
  return issues.length === 0
    ? { ok: true, value: compiled.filter((c) => c !== undefined) }
    : { ok: false, error: issues };
}

/** One operator and operand, validated and normalized; problems go to `issues` at `path`. */
export function compileCondition(
  op: ConditionOp,
  value: unknown,
  path: string,
  issues: Issues,
): Condition | undefined {
  const fail = (message: string) => {
    issues.push({ path: `${path}.value`, message });
    return undefined;
  };
  const isScalar = (v: unknown): v is string | number | boolean =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  switch (op) {
    case 'exists':
    case 'not_exists':
      return { op };
    case 'eq':
    case 'neq':
      return isScalar(value) ? { op, value } : fail(`${op} needs a string, number or boolean`);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' ? { op, value } : fail(`${op} needs a number`);
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      return typeof value === 'string' && value !== ''
        ? { op, value }
        : fail(`${op} needs a non-empty string`);
    case 'in':
    case 'not_in':
      return Array.isArray(value) && value.length > 0 && value.every(isScalar)
        ? { op, value }
        : fail(`${op} needs a non-empty list of strings, numbers or booleans`);
    case 'before':
    case 'after': {
      const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(time)
        ? fail(`${op} needs an ISO 8601 date`)
        : { op, value: new Date(time).toISOString() };
    }
    case 'within_last': {
      const ms = typeof value === 'string' ? durationMs(value) : null;
      return ms === null ? fail('within_last needs a duration like 7d, 12h or 90m') : { op, ms };
    }
    default: {
      const unknownOp: never = op;
      return fail(`unknown operator ${String(unknownOp)}`);
    }
  }
}
