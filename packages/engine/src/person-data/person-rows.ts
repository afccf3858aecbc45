import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { PersonDataCounts, PersonRef } from './index.js';

// Helpers every holder shares: a person's ids in slices small enough for one statement (set-based
// deletes that keep each write short, SQLite having one writer), the person's addresses, rows
// matching the person, and the per-table counts a holder reports.

/** Ids per statement: under every engine's parameter limit, short enough not to hold the writer. */
export const PERSON_CHUNK = 500;

/** `items` in slices of `size`. */
export function* personChunks<T>(items: readonly T[], size = PERSON_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The values of the person's identifiers of these types (all types when none are named). */
export function identifierValues(person: PersonRef, ...types: string[]): string[] {
  return [
    ...new Set(
      person.identifiers.filter((i) => types.length === 0 || types.includes(i.type)).map((i) => i.value),
    ),
  ];
}

/**
 * Runs `work` on each slice of `ids` and adds up what it answers per kind of record. Each slice
 * is its own statement: a long erase gives other writers their turn between slices.
 */
export async function countPerChunk(
  ids: readonly string[],
  work: (chunk: string[]) => Promise<PersonDataCounts>,
): Promise<PersonDataCounts> {
  const counts: PersonDataCounts = {};
  for (const chunk of personChunks(ids)) {
    for (const [kind, count] of Object.entries(await work(chunk))) counts[kind] = (counts[kind] ?? 0) + count;
  }
  return counts;
}

/** The person's email addresses as given and lower-cased (rows store one or the other). */
export function emailAddressesOf(person: PersonRef): string[] {
  const given = person.identifiers.filter((i) => i.type === 'email').map((i) => i.value.trim());
  return [...new Set([...given, ...given.map((email) => email.toLowerCase())])];
}

/**
 * `where` condition: the row's profile column holds one of the person's profile ids, or its email
 * column one of their addresses. Columns are named as in the query (`tickets.profile_id`).
 */
export function isPersonsRow(person: PersonRef, columns: { profileId?: string; email?: string }) {
  const emails = emailAddressesOf(person);
  return <DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>): Expression<SqlBool> =>
    // An empty IN list is no SQL: a column without values to match is left out (none left: false).
    eb.or([
      ...(columns.profileId !== undefined && person.profileIds.length > 0
        ? [eb(sql.ref(columns.profileId), 'in', [...person.profileIds])]
        : []),
      ...(columns.email !== undefined && emails.length > 0 ? [eb(sql.ref(columns.email), 'in', emails)] : []),
    ]);
}

/** Rows a Kysely delete or update touched (its result's bigint), as a number. */
export function rowsTouched(result: { numDeletedRows: bigint } | { numUpdatedRows: bigint }): number {
  return Number('numDeletedRows' in result ? result.numDeletedRows : result.numUpdatedRows);
}

/** Rows removed or altered per table; a table checked and found empty reports 0. */
export class PersonDataTally {
  readonly counts: PersonDataCounts = {};

  add(table: string, rows: number | { numDeletedRows: bigint } | { numUpdatedRows: bigint }): void {
    this.counts[table] = (this.counts[table] ?? 0) + (typeof rows === 'number' ? rows : rowsTouched(rows));
  }

  /**
   * Removes (or alters) the rows of each table keyed by these ids, chunk by chunk, tables in the
   * order given within a chunk: one short statement each, so SQLite's one writer is never held
   * long, and an interrupted run leaves no row pointing at a removed one when parents come last.
   */
  async inChunks<Table extends string>(
    tables: readonly Table[],
    keys: readonly string[],
    statement: (
      table: Table,
      chunk: string[],
    ) => Promise<{ numDeletedRows: bigint } | { numUpdatedRows: bigint }>,
  ): Promise<void> {
    for (const table of tables) this.add(table, 0);
    for (const chunk of personChunks(keys)) {
      for (const table of tables) this.add(table, await statement(table, chunk));
    }
  }
}

/**
 * Custom field values without those pointing at the person (a relation field holding one of
 * their profile ids, on someone else's record); undefined when none did.
 */
export function withoutPersonsValues(
  fields: Record<string, unknown>,
  person: PersonRef,
): Record<string, unknown> | undefined {
  const ids = new Set(person.profileIds);
  const kept = Object.entries(fields).filter(([, value]) => !(typeof value === 'string' && ids.has(value)));
  return kept.length === Object.keys(fields).length ? undefined : Object.fromEntries(kept);
}
