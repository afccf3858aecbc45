import { type RawBuilder, sql } from 'kysely';
import type { StoreKind } from './dialect.js';

/**
 * Typed reads of one JSON value in SQL, the same on both engines: a trait's JSON text, or a
 * member of an event's payload. Absent members and JSON null are "not present". Each accessor
 * is NULL unless the value has that type, so a comparison never casts a value of another type.
 */
export interface JsonValueSql {
  readonly isPresent: RawBuilder<boolean>;
  readonly isString: RawBuilder<boolean>;
  readonly isNumber: RawBuilder<boolean>;
  isBoolean(value: boolean): RawBuilder<boolean>;
  /** The string, or NULL. */
  readonly text: RawBuilder<string | null>;
  /** The number, or NULL. */
  readonly number: RawBuilder<number | null>;
}

/**
 * `document` is JSON text (`documentIsText`) or, on PostgreSQL, a jsonb column; `path` names
 * nested members (empty for the whole document).
 */
export function jsonValueSql(
  kind: StoreKind,
  document: RawBuilder<unknown>,
  options: { path: readonly string[]; documentIsText: boolean },
): JsonValueSql {
  if (kind === 'sqlite') {
    // Keys never hold quotes (checked by the contract), so quoting them is enough.
    const path = options.path.length === 0 ? '$' : `$.${options.path.map((k) => `"${k}"`).join('.')}`;
    const type = sql<string | null>`json_type(${document}, ${path})`;
    return {
      isPresent: sql<boolean>`coalesce(${type} <> 'null', 0)`,
      isString: sql<boolean>`coalesce(${type} = 'text', 0)`,
      isNumber: sql<boolean>`coalesce(${type} in ('integer', 'real'), 0)`,
      isBoolean: (value) => sql<boolean>`coalesce(${type} = ${value ? 'true' : 'false'}, 0)`,
      text: sql<string | null>`(case when ${type} = 'text' then json_extract(${document}, ${path}) end)`,
      number: sql<
        number | null
      >`(case when ${type} in ('integer', 'real') then json_extract(${document}, ${path}) end)`,
    };
  }
  const base = options.documentIsText ? sql`(${document})::jsonb` : document;
  const value = options.path.length === 0 ? base : sql`(${base} #> ${sql.val(options.path)}::text[])`;
  const type = sql<string | null>`jsonb_typeof(${value})`;
  return {
    isPresent: sql<boolean>`coalesce(${type} <> 'null', false)`,
    isString: sql<boolean>`coalesce(${type} = 'string', false)`,
    isNumber: sql<boolean>`coalesce(${type} = 'number', false)`,
    isBoolean: (flag) => sql<boolean>`coalesce(${value} = ${JSON.stringify(flag)}::jsonb, false)`,
    // CASE, not AND: PostgreSQL may evaluate AND's operands in any order, and a cast would fail.
    text: sql<string | null>`(case when ${type} = 'string' then ${value} #>> '{}' end)`,
    number: sql<number | null>`(case when ${type} = 'number' then (${value} #>> '{}')::numeric end)`,
  };
}

/**
 * A list of texts or numbers as a one-column subquery, for `x IN (…)`: the list is bound as one
 * JSON parameter, so no list is ever too long for the engines' parameter limits.
 */
export function jsonListSql(
  kind: StoreKind,
  list: { readonly texts: readonly string[] } | { readonly numbers: readonly number[] },
): RawBuilder<unknown> {
  const json = JSON.stringify('texts' in list ? list.texts : list.numbers);
  if (kind === 'sqlite') return sql`(select value from json_each(${json}))`;
  return 'texts' in list
    ? sql`(select jsonb_array_elements_text(${json}::jsonb))`
    : sql`(select jsonb_array_elements_text(${json}::jsonb)::numeric)`;
}

/** `text` compared by code point, not by the database's locale (PostgreSQL's default collation). */
export function binaryText(kind: StoreKind, text: RawBuilder<string | null>): RawBuilder<string | null> {
  return kind === 'postgres' ? sql<string | null>`(${text} collate "C")` : text;
}

/** Whether `text` contains `part` (case-sensitive; LIKE is not on SQLite). */
export function textContains(
  kind: StoreKind,
  text: RawBuilder<string | null>,
  part: string,
): RawBuilder<boolean> {
  return kind === 'postgres'
    ? sql<boolean>`(strpos(${text}, ${part}::text) > 0)`
    : sql<boolean>`(instr(${text}, ${part}) > 0)`;
}

/** Whether `text` ends with `suffix`. */
export function textEndsWith(
  kind: StoreKind,
  text: RawBuilder<string | null>,
  suffix: string,
): RawBuilder<boolean> {
  return kind === 'postgres'
    ? sql<boolean>`(right(${text}, length(${suffix}::text)) = ${suffix}::text)`
    : sql<boolean>`(substr(${text}, -length(${suffix})) = ${suffix})`;
}

/** Whether `text` starts with `prefix`. */
export function textStartsWith(
  kind: StoreKind,
  text: RawBuilder<string | null>,
  prefix: string,
): RawBuilder<boolean> {
  return kind === 'postgres'
    ? sql<boolean>`(left(${text}, length(${prefix}::text)) = ${prefix}::text)`
    : sql<boolean>`(substr(${text}, 1, length(${prefix})) = ${prefix})`;
}
