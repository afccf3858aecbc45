import { type RawBuilder, sql } from 'kysely';
import {
  binaryText,
  type JsonValueSql,
  jsonListSql,
  type StoreKind,
  textContains,
  textEndsWith,
  textStartsWith,
  toPortableText,
} from '../store/index.js';
import type { Condition } from './condition.js';
import { isoAt } from './condition-match.js';

/** A condition on a JSON value as a SQL predicate, never NULL: the SQL twin of condition-match.ts. */
export function conditionSql(
  kind: StoreKind,
  json: JsonValueSql,
  condition: Condition,
  now: number,
): RawBuilder<boolean> {
  const and = (...parts: RawBuilder<boolean>[]) => sql<boolean>`(${sql.join(parts, sql` and `)})`;
  const not = (part: RawBuilder<boolean>) => sql<boolean>`(not ${part})`;
  const same = (operand: string | number | boolean): RawBuilder<boolean> => {
    if (typeof operand === 'boolean') return json.isBoolean(operand);
    if (typeof operand === 'number')
      return and(json.isNumber, sql<boolean>`coalesce(${json.number} = ${operand}, false)`);
    return and(json.isString, sql<boolean>`coalesce(${json.text} = ${operand}, false)`);
  };
  // Texts and numbers as one bound list each (a list may hold 1,000 values), booleans one by one.
  const oneOf = (operands: readonly (string | number | boolean)[]) => {
    const texts = operands.filter((o) => typeof o === 'string').map(toPortableText);
    const numbers = operands.filter((o) => typeof o === 'number');
    const parts = [...new Set(operands.filter((o) => typeof o === 'boolean'))].map(json.isBoolean);
    if (texts.length > 0) {
      parts.push(
        and(json.isString, sql<boolean>`coalesce(${json.text} in ${jsonListSql(kind, { texts })}, false)`),
      );
    }
    if (numbers.length > 0) {
      parts.push(
        and(
          json.isNumber,
          sql<boolean>`coalesce(${json.number} in ${jsonListSql(kind, { numbers })}, false)`,
        ),
      );
    }
    return sql<boolean>`(${sql.join(parts, sql` or `)})`;
  };
  const compare = (op: string, operand: number) =>
    and(json.isNumber, sql<boolean>`coalesce(${json.number} ${sql.raw(op)} ${operand}, false)`);
  const isText = (predicate: RawBuilder<boolean>) =>
    and(json.isString, sql<boolean>`coalesce(${predicate}, false)`);
  const text = binaryText(kind, json.text);
  switch (condition.op) {
    case 'exists':
      return json.isPresent;
    case 'not_exists':
      return not(json.isPresent);
    case 'eq':
      return same(condition.value);
    case 'neq':
      return and(json.isPresent, not(same(condition.value)));
    case 'gt':
      return compare('>', condition.value);
    case 'gte':
      return compare('>=', condition.value);
    case 'lt':
      return compare('<', condition.value);
    case 'lte':
      return compare('<=', condition.value);
    case 'contains':
      return isText(textContains(kind, json.text, condition.value));
    case 'not_contains':
      return isText(not(textContains(kind, json.text, condition.value)));
    case 'starts_with':
      return isText(textStartsWith(kind, json.text, condition.value));
    case 'ends_with':
      return isText(textEndsWith(kind, json.text, condition.value));
    case 'in':
      return oneOf(condition.value);
    case 'not_in':
      return and(json.isPresent, not(oneOf(condition.value)));
    case 'before':
      return isText(sql<boolean>`${text} < ${condition.value}`);
    case 'after':
      return isText(sql<boolean>`${text} > ${condition.value}`);
    case 'within_last':
      return isText(sql<boolean>`(${text} >= ${isoAt(now - condition.ms)} and ${text} <= ${isoAt(now)})`);
    default: {
      const unknown: never = condition;
      throw new Error(`unknown condition ${JSON.stringify(unknown)}`);
    }
  }
}
