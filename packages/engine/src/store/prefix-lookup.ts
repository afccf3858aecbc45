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

/**
 * Index entries a `followedBy` probe examines at most: its prefix may be a wide range (all
 * names starting "jo"), and the rest of it is checked entry by entry. Bounded, a probe costs the
 * same in any workspace; in a very wide range a match past this many entries is not found.
 */
export const FOLLOWED_BY_SCAN = 2000;

/**
 * The condition of a lookup on `column` (a lower-cased, indexed text of `scope.table`, written
 * the same unqualified way inside a subquery of that table).
 */
export function prefixLookupSql(
  column: Expression<string | null>,
  lookup: PrefixLookup,
  scope: { table: string; workspaceId: string },
): Expression<SqlBool> {
  const range = rangeSql(column, lookup.prefix);
  const { followedBy } = lookup;
  if (followedBy === undefined || followedBy.text === '') return range;
  const start = [...lookup.prefix].length + 1 + followedBy.skip;
  const firstEntries = sql`select ${column} as probed from ${sql.table(scope.table)} where workspace_id = ${scope.workspaceId} and ${range} order by ${column} limit ${FOLLOWED_BY_SCAN}`;
  const matching = sql`select probed from (${firstEntries}) as first_entries where substr(probed, ${start}, ${[...followedBy.text].length}) = ${followedBy.text}`;
  return sql<SqlBool>`${column} in (${matching})`;
}

function rangeSql(column: Expression<string | null>, prefix: string) {
  return sql<SqlBool>`${column} >= ${prefix} and ${column} < ${`${prefix}\uffff`}`;
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
