import type { CatalogValueType, ConditionOp } from '@tandem/contract';

/** How each operator reads in a sentence ("plan is pro", "total greater than 50"). */
export const OP_LABELS: Readonly<Record<ConditionOp, string>> = {
  eq: 'is',
  neq: 'is not',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
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

/** The type of value a condition's input edits. */
export type ValueType = 'string' | 'number' | 'boolean' | 'date';

const PRESENCE: ConditionOp[] = ['exists', 'not_exists'];

/** The operators offered for a value of this type, most used first. */
export function opsFor(type: CatalogValueType | ValueType | undefined): ConditionOp[] {
  switch (type) {
    case 'number':
      return ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', ...PRESENCE];
    case 'boolean':
      return ['eq', 'neq', ...PRESENCE];
    case 'date':
      return ['within_last', 'before', 'after', ...PRESENCE];
    case 'string':
      return [
        'eq',
        'neq',
        'contains',
        'not_contains',
        'starts_with',
        'ends_with',
        'in',
        'not_in',
        ...PRESENCE,
      ];
    default:
      return Object.keys(OP_LABELS) as ConditionOp[]; // the keys of a Record<ConditionOp, …>
  }
}

/** The value type an operator needs whatever the field's type, if it fixes one. */
export function valueTypeForOp(op: ConditionOp, fieldType: ValueType): ValueType {
  if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return 'number';
  if (op === 'before' || op === 'after') return 'date';
  if (op === 'contains' || op === 'not_contains' || op === 'starts_with' || op === 'ends_with')
    return 'string';
  return fieldType;
}

/** Whether the operator takes a value, a list of them, or a duration. */
export function operandOf(op: ConditionOp): 'none' | 'list' | 'duration' | 'single' {
  if (op === 'exists' || op === 'not_exists') return 'none';
  if (op === 'in' || op === 'not_in') return 'list';
  if (op === 'within_last') return 'duration';
  return 'single';
}

/** The editable value type of a catalog type (arrays, objects and mixed values edit as text). */
export function valueTypeOfCatalog(type: CatalogValueType | undefined): ValueType {
  return type === 'number' || type === 'boolean' || type === 'date' ? type : 'string';
}
