import type { ViewFilter } from '@tandem/contract';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { IdentityService } from '../identity/index.js';
import { type Database, jsonValueSql, type Store } from '../store/index.js';

/** Columns every person has; any other column names a trait. */
export const PERSON_BUILT_IN_COLUMNS = ['id', 'email', 'created_at', 'updated_at'] as const;

export type PersonRow = Record<string, string | number | boolean | null>;

/**
 * Every live person matching `filters` (all must hold; fields are trait names), as rows of
 * `columns`, in profile id order, read `pageSize` at a time with a cursor: memory stays that of
 * one page however many people there are.
 */
export async function* peopleRows(
  store: Store,
  identity: IdentityService,
  workspaceId: string,
  options: { filters: readonly ViewFilter[]; columns: readonly string[]; pageSize?: number | undefined },
): AsyncGenerator<PersonRow[]> {
  const pageSize = options.pageSize ?? 1000;
  const traitColumns = options.columns.filter(
    (column) => !(PERSON_BUILT_IN_COLUMNS as readonly string[]).includes(column),
  );
  const wantsEmail = options.columns.includes('email');
  // A person without an email identifier may still have an email trait.
  const traitNames = wantsEmail ? [...traitColumns, 'email'] : traitColumns;
  let after: string | undefined;
  for (;;) {
    let query = store.db
      .selectFrom('profiles as p')
      .select(['p.profile_id', 'p.created_at', 'p.updated_at'])
      .where('p.workspace_id', '=', workspaceId)
      .where('p.merged_into', 'is', null)
      .orderBy('p.profile_id')
      .limit(pageSize);
    if (after !== undefined) query = query.where('p.profile_id', '>', after);
    for (const filter of options.filters) {
      query = query.where((eb) => filterSql(eb, store, workspaceId, filter));
    }
    const people = await query.execute();
    if (people.length === 0) return;
    const ids = people.map((person) => person.profile_id);
    // Unfiltered, a page is every live profile of an id range: read its traits and emails by
    // that range (an index range scan) rather than by a list of 2,000 ids.
    const range = options.filters.length === 0 ? { after, upTo: ids.at(-1) ?? '' } : undefined;
    const [traitsOf, emailsOf] = await Promise.all([
      traitNames.length === 0
        ? new Map<string, Map<string, string>>()
        : traitValues(store, workspaceId, traitNames, ids, range),
      wantsEmail ? emails(identity, workspaceId, ids, range) : new Map<string, string>(),
    ]);
    yield people.map((person) => {
      const row: PersonRow = {};
      const values = traitsOf.get(person.profile_id);
      for (const column of options.columns) {
        if (column === 'id') row[column] = person.profile_id;
        else if (column === 'created_at') row[column] = person.created_at;
        else if (column === 'updated_at') row[column] = person.updated_at;
        else if (column === 'email')
          row[column] = emailsOf.get(person.profile_id) ?? cellOf(values?.get('email'));
        else row[column] = cellOf(values?.get(column));
      }
      return row;
    });
    if (people.length < pageSize) return;
    after = ids.at(-1);
  }
}

type IdRange = { after: string | undefined; upTo: string };

async function traitValues(
  store: Store,
  workspaceId: string,
  names: readonly string[],
  ids: readonly string[],
  range: IdRange | undefined,
): Promise<Map<string, Map<string, string>>> {
  let query = store.db
    .selectFrom('profile_traits')
    .select(['profile_id', 'name', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('name', 'in', names);
  if (range === undefined) query = query.where('profile_id', 'in', ids);
  else {
    query = query.where('profile_id', '<=', range.upTo);
    if (range.after !== undefined) query = query.where('profile_id', '>', range.after);
  }
  const byProfile = new Map<string, Map<string, string>>();
  for (const trait of await query.execute()) {
    const values = byProfile.get(trait.profile_id) ?? new Map<string, string>();
    values.set(trait.name, trait.value);
    byProfile.set(trait.profile_id, values);
  }
  return byProfile;
}

/** Each profile's first email identifier (by value). */
async function emails(
  identity: IdentityService,
  workspaceId: string,
  ids: readonly string[],
  range: IdRange | undefined,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (range === undefined) {
    for (const [profileId, identities] of await identity.identitiesOf(workspaceId, ids)) {
      const email = identities.find((i) => i.type === 'email');
      if (email) found.set(profileId, email.value);
    }
    return found;
  }
  const inRange = await identity.identifiersInRange(workspaceId, { type: 'email', ...range });
  for (const { profileId, value } of inRange) {
    const known = found.get(profileId);
    if (known === undefined || value < known) found.set(profileId, value);
  }
  return found;
}

// A trait's stored JSON as a cell: scalars as they are, objects and arrays as JSON.
function cellOf(json: string | undefined): string | number | boolean | null {
  if (json === undefined) return null;
  const value: unknown = JSON.parse(json);
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  return json;
}

/** One filter as a condition on the person (`p`): an indexed trait lookup by name. */
function filterSql(
  eb: ExpressionBuilder<Database & { p: Database['profiles'] }, 'p'>,
  store: Store,
  workspaceId: string,
  filter: ViewFilter,
): Expression<SqlBool> {
  const trait = eb
    .selectFrom('profile_traits as t')
    .select(sql<number>`1`.as('one'))
    .where('t.workspace_id', '=', workspaceId)
    .whereRef('t.profile_id', '=', 'p.profile_id')
    .where('t.name', '=', filter.field);
  const text =
    typeof filter.value === 'string' ? filter.value.trim().toLowerCase() : String(filter.value ?? '');
  const number = jsonValueSql(store.kind, sql.ref('t.value'), { path: [], documentIsText: true }).number;
  switch (filter.operator) {
    case 'is_set':
      return eb.exists(trait);
    case 'is_not_set':
      return eb.not(eb.exists(trait));
    case 'equals':
      return eb.exists(trait.where('t.value_text', '=', text));
    case 'not_equals':
      return eb.not(eb.exists(trait.where('t.value_text', '=', text)));
    case 'contains':
      return eb.exists(trait.where(sql<SqlBool>`t.value_text like ${`%${likeEscaped(text)}%`} escape '\\'`));
    case 'starts_with':
      return eb.exists(trait.where('t.value_text', '>=', text).where('t.value_text', '<', `${text}\uffff`));
    case 'greater_than':
      return eb.exists(trait.where(sql<SqlBool>`${number} > ${Number(filter.value)}`));
    case 'less_than':
      return eb.exists(trait.where(sql<SqlBool>`${number} < ${Number(filter.value)}`));
    default: {
      const unknown: never = filter.operator;
      throw new Error(`unknown filter operator ${String(unknown)}`);
    }
  }
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
