import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { StoreKind } from './dialect.js';

/**
 * One indexed probe of a lower-cased text column: texts that start with `prefix`, then (when
 * `followedBy` is given) skip `followedBy.skip` characters and continue with `followedBy.text`.
 * The prefix is a range on the index; `followedBy` is checked on the index entry (the same SQL on both engines).
 */
export interface PrefixLookup {
  readonly prefix: string;
  readonly followedBy?: { readonly skip: 0 | 1; readonly text: string } | undefined;
}

/** The condition of a lookup on `column` (a lower-cased, indexed text). */
export function prefixLookupSql(
  column: Expression<string | null>,
  lookup: PrefixLookup,
): Expression<SqlBool> {
  const range = sql<SqlBool>`${column} >= ${lookup.prefix} and ${column} < ${`${lookup.prefix}\uffff`}`;
  const { followedBy } = lookup;
  if (followedBy === undefined || followedBy.text === '') return range;
  const start = [...lookup.prefix].length + 1 + followedBy.skip;
  return sql<SqlBool>`${range} and substr(${column}, ${start}, ${[...followedBy.text].length}) = ${followedBy.text}`;
}

/**
 * `lower(<json column>.<key>)` as a text expression, spelled identically by the index that
 * serves it (migration 0018) and the queries that use it. `column` and `key` are code constants.
 */
export function lowerJsonMemberSql(kind: StoreKind, column: string, key: string): RawBuilder<string | null> {
  return kind === 'sqlite'
    ? sql<string | null>`lower(json_extract(${sql.raw(column)}, ${sql.raw(`'$.${key}'`)}))`
    : sql<string | null>`lower(${sql.raw(column)} ->> ${sql.raw(`'${key}'`)})`;
}
