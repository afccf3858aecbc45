import type { CatalogValueType } from '@tandem/contract';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Longest example shown: a picker shows a value, not a document. */
const MAX_EXAMPLE_LENGTH = 120;

/** The catalog type of one value (null and undefined have none). */
export function valueTypeOf(value: unknown): CatalogValueType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string')
    return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? 'date' : 'string';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

/** The type of a set of values: theirs when they agree, `string` when dates mix with text, else `mixed`. */
export function commonTypeOf(values: readonly unknown[]): CatalogValueType {
  const types = new Set(values.map(valueTypeOf).filter((type) => type !== undefined));
  if (types.size === 0) return 'string';
  if (types.size === 1) return [...types][0] ?? 'string';
  if (types.size === 2 && types.has('date') && types.has('string')) return 'string';
  return 'mixed';
}

/** Up to `limit` distinct scalar examples (long strings cut), in first-seen order. */
export function examplesOf(values: readonly unknown[], limit: number): (string | number | boolean)[] {
  const examples: (string | number | boolean)[] = [];
  for (const value of values) {
    if (examples.length >= limit) break;
    let example: string | number | boolean;
    if (typeof value === 'string')
      example = value.length > MAX_EXAMPLE_LENGTH ? `${value.slice(0, MAX_EXAMPLE_LENGTH)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean') example = value;
    else continue;
    if (!examples.includes(example)) examples.push(example);
  }
  return examples;
}
