import type { ViewFilter, ViewSort } from '@tandem/contract';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { IdentityService } from '../identity/index.js';
import { type Database, jsonValueSql, type KeysetPosition, keysetAfter, type Store } from '../store/index.js';

/** Columns every person has; any other column names a trait. */
export const PERSON_BUILT_IN_COLUMNS = ['id', 'email', 'created_at', 'updated_at'] as const;

export type PersonRow = Record<string, string | number | boolean | null>;
export type PersonCell = PersonRow[string];

/** A condition on the person (`p.profile_id`) another domain adds (the CRM's owner, stage…). */
export type PersonCondition = (
  eb: ExpressionBuilder<Database & { p: Database['profiles'] }, 'p'>,
) => Expression<SqlBool>;

/** Which people, in which order: what a list and its export share. */
export interface PeopleSelection {
  /** All must hold; a field is a trait name, or `q`: any trait value starting with the text. */
  filters: readonly ViewFilter[];
  /** Built-ins (`id`, `created_at`, `updated_at`) or a trait (by its text); profile id order without. */
  sort?: ViewSort | undefined;
  /** More conditions, from other domains. */
  where?: readonly PersonCondition[] | undefined;
}

/**
 * A page of live people of a selection: their ids and sort keys, after `position`. Sorted by a
 * built-in, each page is an index range (migration 0023); by a trait, the sort reads every
 * matching person's trait (its text) per page.
 */
export async function peoplePage(
  store: Store,
  workspaceId: string,
  selection: PeopleSelection,
  page: { limit: number; position?: KeysetPosition | undefined },
): Promise<{ profileId: string; createdAt: string; updatedAt: string; key: string }[]> {
  const sort = selection.sort ?? { field: 'id', direction: 'asc' as const };
  const key = sortKeySql(workspaceId, sort.field);
  let query = store.db
    .selectFrom('profiles as p')
    .select(['p.profile_id', 'p.created_at', 'p.updated_at', key.as('sort_key')])
    .where('p.workspace_id', '=', workspaceId)
    .where('p.merged_into', 'is', null)
    .orderBy(key, sort.direction)
    .orderBy('p.profile_id', sort.direction)
    .limit(page.limit);
  const position = page.position;
  if (position !== undefined) {
    query = query.where((eb) => keysetAfter(eb, key, sql.ref('p.profile_id'), sort.direction, position));
  }
  for (const filter of selection.filters) {
    query = query.where((eb) => filterSql(eb, store, workspaceId, filter));
  }
  for (const condition of selection.where ?? []) query = query.where(condition);
  const rows = await query.execute();
  return rows.map((row) => ({
    profileId: row.profile_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    key: String(row.sort_key),
  }));
}

function sortKeySql(workspaceId: string, field: string) {
  if (field === 'id') return sql<string>`p.profile_id`;
  if (field === 'created_at') return sql<string>`p.created_at`;
  if (field === 'updated_at') return sql<string>`p.updated_at`;
  // A person without the trait sorts as the empty text: first ascending, last descending.
  return sql<string>`coalesce((select t.value_text from profile_traits t where t.workspace_id = ${workspaceId} and t.profile_id = p.profile_id and t.name = ${field}), '')`;
}

/**
 * Every live person of a selection, as rows of `columns`, in its sort (profile id order without
 * one), read `pageSize` at a time with a keyset cursor: memory stays that of one page however
 * many people there are. `moreColumns` reads columns another domain owns (a page's ids in).
 */
export async function* peopleRows(
  store: Store,
  identity: IdentityService,
  workspaceId: string,
  options: PeopleSelection & {
    columns: readonly string[];
    pageSize?: number | undefined;
    moreColumns?: {
      names: readonly string[];
      read: (profileIds: readonly string[]) => Promise<Map<string, Record<string, PersonCell>>>;
    };
  },
): AsyncGenerator<PersonRow[]> {
  const pageSize = options.pageSize ?? 1000;
  const more = options.moreColumns;
  const wantsMore = more !== undefined && options.columns.some((column) => more.names.includes(column));
  const traitColumns = options.columns.filter(
    (column) => !(PERSON_BUILT_IN_COLUMNS as readonly string[]).includes(column),
  );
  const wantsEmail = options.columns.includes('email');
  // A person without an email identifier may still have an email trait.
  const traitNames = wantsEmail ? [...traitColumns, 'email'] : traitColumns;
  const byId = options.sort === undefined || options.sort.field === 'id';
  let position: KeysetPosition | undefined;
  for (;;) {
    const people = await peoplePage(store, workspaceId, options, { limit: pageSize, position });
    if (people.length === 0) return;
    const ids = people.map((person) => person.profileId);
    // Unfiltered in id order, a page is every live profile of an id range: read its traits and
    // emails by that range (an index range scan) rather than by a list of 2,000 ids.
    const unfiltered = options.filters.length === 0 && (options.where ?? []).length === 0;
    const range =
      unfiltered && byId && options.sort?.direction !== 'desc'
        ? { after: position?.id, upTo: ids.at(-1) ?? '' }
        : undefined;
    const [traitsOf, emailsOf, moreOf] = await Promise.all([
      traitNames.length === 0
        ? new Map<string, Map<string, string>>()
        : traitValues(store, workspaceId, traitNames, ids, range),
      wantsEmail ? emails(identity, workspaceId, ids, range) : new Map<string, string>(),
      wantsMore ? more.read(ids) : new Map<string, Record<string, PersonCell>>(),
    ]);
    yield people.map((person) => {
      const row: PersonRow = {};
      const values = traitsOf.get(person.profileId);
      const others = moreOf.get(person.profileId);
      for (const column of options.columns) {
        if (column === 'id') row[column] = person.profileId;
        else if (column === 'created_at') row[column] = person.createdAt;
        else if (column === 'updated_at') row[column] = person.updatedAt;
        else if (column === 'email')
          row[column] = emailsOf.get(person.profileId) ?? cellOf(values?.get('email'));
        // Another domain's column wins over a trait of its name when the person has it there.
        else if (others !== undefined && column in others) row[column] = others[column] ?? null;
        else row[column] = cellOf(values?.get(column));
      }
      return row;
    });
    if (people.length < pageSize) return;
    const last = people.at(-1);
    position = last && { key: last.key, id: last.profileId };
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
  if (filter.field === 'q') {
    // The list's search box: any trait value (a name, an email…) starting with the text.
    const anyTrait = eb
      .selectFrom('profile_traits as t')
      .select(sql<number>`1`.as('one'))
      .where('t.workspace_id', '=', workspaceId)
      .whereRef('t.profile_id', '=', 'p.profile_id')
      .where('t.value_text', '>=', text)
      .where('t.value_text', '<', `${text}\uffff`);
    return eb.exists(anyTrait);
  }
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
