// Small helpers every holder uses: the person's addresses, rows matching the person, and the
// per-table counts a holder reports.
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { PersonDataCounts, PersonRef } from './index.js';

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

// 1,000 keys stay below both engines' bound on parameters per statement.
const CHUNK = 1000;

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
    for (let start = 0; start < keys.length; start += CHUNK) {
      const chunk = keys.slice(start, start + CHUNK);
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
