import type { ViewSort } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import { newId } from '../ids/index.js';
import { type Database, fromJson, type KeysetPosition, keysetAfter, nowIso, toJson } from '../store/index.js';

/** A company as profiles keep it: from group calls, or created by hand (its group id is its id). */
export interface CompanyRecord {
  readonly companyId: string;
  readonly groupId: string;
  readonly name: string;
  readonly traits: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type Row = Database['companies'];

function recordOf(row: Row): CompanyRecord {
  return {
    companyId: row.company_id,
    groupId: row.group_id,
    name: row.name,
    traits: fromJson<Record<string, unknown>>(row.traits),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates a company by hand; group calls naming its id as `groupId` update it like any other. */
export async function createCompany(
  db: Kysely<Database>,
  workspaceId: string,
  input: { name: string; traits: Record<string, unknown> },
): Promise<CompanyRecord> {
  const now = nowIso();
  const companyId = newId('company');
  const row = {
    workspace_id: workspaceId,
    company_id: companyId,
    group_id: companyId,
    name: input.name,
    traits: toJson({ ...input.traits, name: input.name }),
    traits_at: now,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('companies').values(row).execute();
  return recordOf(row);
}

/** Renames a company or sets traits (null removes one). */
export async function updateCompany(
  db: Kysely<Database>,
  workspaceId: string,
  companyId: string,
  patch: { name?: string | undefined; traits?: Record<string, unknown> | undefined },
): Promise<void> {
  const current = (await companiesById(db, workspaceId, [companyId]))[0];
  if (!current) return;
  const traits: Record<string, unknown> = { ...current.traits, ...(patch.traits ?? {}) };
  for (const [key, value] of Object.entries(traits)) if (value === null) delete traits[key];
  const name = patch.name ?? current.name;
  if (patch.name !== undefined) traits.name = patch.name;
  const now = nowIso();
  await db
    .updateTable('companies')
    .set({ name, traits: toJson(traits), traits_at: now, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('company_id', '=', companyId)
    .execute();
}

export async function companiesById(
  db: Kysely<Database>,
  workspaceId: string,
  companyIds: readonly string[],
): Promise<CompanyRecord[]> {
  if (companyIds.length === 0) return [];
  const rows = await db
    .selectFrom('companies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('company_id', 'in', companyIds)
    .execute();
  const byId = new Map(rows.map((row) => [row.company_id, recordOf(row)]));
  return companyIds.flatMap((id) => byId.get(id) ?? []);
}

/** A page of companies by id, optionally those whose name starts with `q` (any case). */
export async function pageOfCompanies(
  db: Kysely<Database>,
  workspaceId: string,
  page: { limit: number; cursor?: string | undefined; q?: string | undefined; exclude?: readonly string[] },
): Promise<CompanyRecord[]> {
  let query = db.selectFrom('companies').selectAll().where('workspace_id', '=', workspaceId);
  if (page.q !== undefined)
    query = query.where((eb) => eb(eb.fn('lower', ['name']), 'like', `${page.q?.toLowerCase()}%`));
  if (page.cursor !== undefined) query = query.where('company_id', '>', page.cursor);
  if (page.exclude && page.exclude.length > 0) query = query.where('company_id', 'not in', page.exclude);
  const rows = await query.orderBy('company_id').limit(page.limit).execute();
  return rows.map(recordOf);
}

/**
 * A page of companies in `sort` (its key, then the id), after `position`: those whose name starts
 * with `q` or whose id is in `alsoIds` (a domain match), only those in `onlyIds` when given, none
 * in `exclude`. Each row carries its sort key for the next cursor.
 */
export async function sortedPageOfCompanies(
  db: Kysely<Database>,
  workspaceId: string,
  page: {
    limit: number;
    sort: ViewSort & { field: 'name' | 'created_at' | 'updated_at' };
    position?: KeysetPosition | undefined;
    q?: string | undefined;
    alsoIds?: readonly string[];
    onlyIds?: readonly string[] | undefined;
    exclude?: readonly string[];
  },
): Promise<{ record: CompanyRecord; key: string }[]> {
  // Names sort without regard to case.
  const key = page.sort.field === 'name' ? sql<string>`lower(name)` : sql.ref<string>(page.sort.field);
  let query = db
    .selectFrom('companies')
    .selectAll()
    .select(key.as('sort_key'))
    .where('workspace_id', '=', workspaceId);
  const q = page.q;
  if (q !== undefined) {
    const also = page.alsoIds ?? [];
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['name']), 'like', `${q.toLowerCase()}%`),
        ...(also.length > 0 ? [eb('company_id', 'in', also)] : []),
      ]),
    );
  }
  if (page.onlyIds !== undefined) {
    if (page.onlyIds.length === 0) return [];
    query = query.where('company_id', 'in', page.onlyIds);
  }
  if (page.exclude && page.exclude.length > 0) query = query.where('company_id', 'not in', page.exclude);
  const position = page.position;
  if (position !== undefined) {
    query = query.where((eb) => keysetAfter(eb, key, sql.ref('company_id'), page.sort.direction, position));
  }
  const rows = await query
    .orderBy(key, page.sort.direction)
    .orderBy('company_id', page.sort.direction)
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({ record: recordOf(row), key: row.sort_key }));
}

/** Links a person to a company by hand (nothing when already linked). */
export async function linkMember(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
  companyId: string,
) {
  await db
    .insertInto('company_members')
    .values({ workspace_id: workspaceId, profile_id: profileId, company_id: companyId, created_at: nowIso() })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unlinkMember(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
  companyId: string,
) {
  if (profileIds.length === 0) return;
  await db
    .deleteFrom('company_members')
    .where('workspace_id', '=', workspaceId)
    .where('company_id', '=', companyId)
    .where('profile_id', 'in', profileIds)
    .execute();
}

/** The people linked to these companies (profile ids as linked; a merged one resolves to its survivor). */
export async function membersOfCompanies(
  db: Kysely<Database>,
  workspaceId: string,
  companyIds: readonly string[],
  limit: number,
): Promise<string[]> {
  if (companyIds.length === 0) return [];
  const rows = await db
    .selectFrom('company_members')
    .select('profile_id')
    .where('workspace_id', '=', workspaceId)
    .where('company_id', 'in', companyIds)
    .orderBy('profile_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.profile_id);
}

/** How many people each company has. */
export async function memberCounts(db: Kysely<Database>, workspaceId: string, companyIds: readonly string[]) {
  if (companyIds.length === 0) return new Map<string, number>();
  const rows = await db
    .selectFrom('company_members')
    .select(['company_id', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .where('company_id', 'in', companyIds)
    .groupBy('company_id')
    .execute();
  return new Map(rows.map((row) => [row.company_id, Number(row.count)]));
}
