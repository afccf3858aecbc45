import { sql } from 'kysely';
import type { PersonDataHolder, PersonRef } from '../person-data/index.js';
import { nowIso, type Store } from '../store/index.js';
import { auditEntryOf } from './audit-queries.js';

/** `%`, `_` and the escape itself, escaped for LIKE (matched lower-cased: the same on both engines). */
function likePattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * The audit log's share of a person: the contents of entries that name them (by profile, or an
 * identifier found in a request body). Erasing clears the content and its profile ref; the entry
 * and its digest stay, so the chain still verifies and shows the content as erased.
 */
export function auditLogPersonData(
  store: Store,
  clock: () => number,
  /** Writes what this process recorded and has not appended yet (a read of the person a moment ago). */
  flushRecorded: () => Promise<void> = async () => {},
): PersonDataHolder {
  const contentsOf = (person: PersonRef) => {
    const values = person.identifiers
      .map((identifier) => identifier.value)
      .filter((value) => value.length >= 3);
    return store.db
      .selectFrom('audit_contents as c')
      .innerJoin('audit_entries as e', (join) =>
        join.onRef('e.workspace_id', '=', 'c.workspace_id').onRef('e.seq', '=', 'c.seq'),
      )
      .selectAll('e')
      .select(['c.profile_id', 'c.content', 'c.erased_at'])
      .where('c.workspace_id', '=', person.workspaceId)
      .where('c.content', 'is not', null)
      .where((eb) =>
        eb.or([
          ...(person.profileIds.length > 0 ? [eb('c.profile_id', 'in', [...person.profileIds])] : []),
          ...values.map(
            (value) =>
              sql<boolean>`lower(${sql.ref('c.content')}) like ${likePattern(value.toLowerCase())} escape '\\'`,
          ),
          // An or() of nothing would match every row.
          eb.lit(false),
        ]),
      )
      .orderBy('c.seq')
      .execute();
  };
  return {
    domain: 'audit_log',
    async exportPerson(person) {
      await flushRecorded();
      return (await contentsOf(person)).map(auditEntryOf);
    },
    async erasePerson(person) {
      await flushRecorded();
      const seqs = (await contentsOf(person)).map((row) => Number(row.seq));
      for (let i = 0; i < seqs.length; i += 500) {
        await store.db
          .updateTable('audit_contents')
          .set({ content: null, profile_id: null, erased_at: nowIso(clock) })
          .where('workspace_id', '=', person.workspaceId)
          .where('seq', 'in', seqs.slice(i, i + 500))
          .execute();
      }
      return { audit_entries: seqs.length };
    },
  };
}
