import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import { type Database, fromJson, nowIso, toJson } from '../../store/index.js';

/** The CRM side of a company: owner, custom fields, domains, and where it was merged. */
export interface CompanyCrm {
  ownerId: string | null;
  fields: Record<string, unknown>;
  mergedInto: string | null;
}

const MAX_HOPS = 32;

export async function companyCrmOf(db: Kysely<Database>, workspaceId: string, companyIds: readonly string[]) {
  const byId = new Map<string, CompanyCrm>();
  if (companyIds.length === 0) return byId;
  const rows = await db
    .selectFrom('crm_companies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('company_id', 'in', companyIds)
    .execute();
  for (const row of rows) {
    byId.set(row.company_id, {
      ownerId: row.owner_id,
      fields: fromJson<Record<string, unknown>>(row.fields),
      mergedInto: row.merged_into,
    });
  }
  return byId;
}

export async function writeCompanyCrm(
  db: Kysely<Database>,
  workspaceId: string,
  companyId: string,
  crm: CompanyCrm,
): Promise<void> {
  const values = {
    owner_id: crm.ownerId,
    fields: toJson(crm.fields),
    merged_into: crm.mergedInto,
    updated_at: nowIso(),
  };
  await db
    .insertInto('crm_companies')
    .values({ workspace_id: workspaceId, company_id: companyId, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'company_id']).doUpdateSet(values))
    .execute();
}

/** The company an id resolves to: itself, or the company it was merged into (down the chain). */
export async function liveCompanyId(
  db: Kysely<Database>,
  workspaceId: string,
  companyId: string,
): Promise<string> {
  let id = companyId;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const next = (await companyCrmOf(db, workspaceId, [id])).get(id)?.mergedInto ?? null;
    if (next === null) return id;
    id = next;
  }
  throw new AppError('internal', `merge chain of ${companyId} is longer than ${MAX_HOPS}`);
}

/** A company and every company merged into it. */
export async function mergedCompanyIds(
  db: Kysely<Database>,
  workspaceId: string,
  liveId: string,
): Promise<string[]> {
  const ids = [liveId];
  let frontier = [liveId];
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const rows = await db
      .selectFrom('crm_companies')
      .select('company_id')
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'in', frontier)
      .execute();
    frontier = rows.map((row) => row.company_id);
    ids.push(...frontier);
  }
  return ids;
}

export async function domainsOf(db: Kysely<Database>, workspaceId: string, companyIds: readonly string[]) {
  const byId = new Map<string, string[]>();
  if (companyIds.length === 0) return byId;
  const rows = await db
    .selectFrom('crm_company_domains')
    .select(['company_id', 'domain'])
    .where('workspace_id', '=', workspaceId)
    .where('company_id', 'in', companyIds)
    .orderBy('domain')
    .execute();
  for (const row of rows) byId.set(row.company_id, [...(byId.get(row.company_id) ?? []), row.domain]);
  return byId;
}

export async function setDomains(
  db: Kysely<Database>,
  workspaceId: string,
  companyId: string,
  domains: readonly string[],
): Promise<void> {
  await db
    .deleteFrom('crm_company_domains')
    .where('workspace_id', '=', workspaceId)
    .where('company_id', '=', companyId)
    .execute();
  if (domains.length === 0) return;
  await db
    .insertInto('crm_company_domains')
    .values(
      [...new Set(domains)].map((domain) => ({ workspace_id: workspaceId, company_id: companyId, domain })),
    )
    .execute();
}

/** Domains several live companies claim: the duplicates to merge. */
export async function duplicateDomains(db: Kysely<Database>, workspaceId: string) {
  const rows = await db
    .selectFrom('crm_company_domains as d')
    .leftJoin('crm_companies as c', (join) =>
      join.onRef('c.workspace_id', '=', 'd.workspace_id').onRef('c.company_id', '=', 'd.company_id'),
    )
    .select(['d.domain', 'd.company_id'])
    .where('d.workspace_id', '=', workspaceId)
    .where('c.merged_into', 'is', null)
    .where('d.domain', 'in', (eb) =>
      eb
        .selectFrom('crm_company_domains')
        .select('domain')
        .where('workspace_id', '=', workspaceId)
        .groupBy('domain')
        .having((h) => h.fn.countAll(), '>', 1),
    )
    .orderBy('d.domain')
    .orderBy('d.company_id')
    .limit(1000)
    .execute();
  const byDomain = new Map<string, string[]>();
  for (const row of rows) byDomain.set(row.domain, [...(byDomain.get(row.domain) ?? []), row.company_id]);
  return [...byDomain].filter(([, ids]) => ids.length > 1);
}
