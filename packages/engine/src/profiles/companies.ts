import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import { newId } from '../ids/index.js';
import { type Database, fromJson, nowIso, toJson } from '../store/index.js';
import type { ProfileFold } from './traits-projection.js';

/** A group call: the person (its profile) belongs to the account `groupId`. */
export interface GroupWrite {
  readonly profileId: string;
  readonly groupId: string;
  readonly traits: Record<string, unknown>;
  readonly timestamp: string;
}

interface CompanyState {
  companyId: string;
  name: string;
  traits: Record<string, unknown>;
  traitsAt: string;
  createdAt: string;
  isNew: boolean;
}

/** Creates or updates the companies of group calls, links their people, follows merges. */
export async function projectCompanies(
  db: Kysely<Database>,
  workspaceId: string,
  batch: {
    groups: readonly GroupWrite[];
    folds: readonly ProfileFold[];
    root: (profileId: string) => string;
  },
): Promise<void> {
  const { groups, folds, root } = batch;
  const now = nowIso();
  if (groups.length > 0) {
    const companies = await loadCompanies(db, workspaceId, [...new Set(groups.map((g) => g.groupId))]);
    const members = new Map<string, { profile_id: string; company_id: string }>();
    for (const group of groups) {
      const company = companies.get(group.groupId) ?? newCompany(group, now);
      companies.set(group.groupId, company);
      // Newer calls overwrite traits; an older call only fills what is missing.
      const newer = group.timestamp >= company.traitsAt;
      company.traits = newer
        ? { ...company.traits, ...group.traits }
        : { ...group.traits, ...company.traits };
      if (newer) company.traitsAt = group.timestamp;
      const name = company.traits.name;
      company.name = typeof name === 'string' && name.trim() !== '' ? name : company.name;
      const profileId = root(group.profileId);
      members.set(`${profileId} ${company.companyId}`, {
        profile_id: profileId,
        company_id: company.companyId,
      });
    }
    for (const [groupId, c] of companies) {
      const row = {
        workspace_id: workspaceId,
        company_id: c.companyId,
        group_id: groupId,
        name: c.name,
        traits: toJson(c.traits),
        traits_at: c.traitsAt,
        created_at: c.createdAt,
        updated_at: now,
      };
      await db
        .insertInto('companies')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'company_id']).doUpdateSet({
            name: row.name,
            traits: row.traits,
            traits_at: row.traits_at,
            updated_at: now,
          }),
        )
        .execute();
    }
    await db
      .insertInto('company_members')
      .values([...members.values()].map((m) => ({ workspace_id: workspaceId, ...m, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const fold of folds) await moveMemberships(db, workspaceId, fold.profileId, root(fold.survivorId));
}

/** A profile's company links, moved onto another profile. */
export async function moveMemberships(db: Kysely<Database>, workspaceId: string, from: string, to: string) {
  await db
    .insertInto('company_members')
    .columns(['workspace_id', 'profile_id', 'company_id', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('company_members')
        .select((s) => [
          s.val(workspaceId).as('workspace_id'),
          s.val(to).as('profile_id'),
          'company_id',
          'created_at',
        ])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', from),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .deleteFrom('company_members')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', from)
    .execute();
}

/** Unlinks these profiles from every company. */
export async function removeMemberships(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
) {
  await db
    .deleteFrom('company_members')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', profileIds)
    .execute();
}

/** The companies a profile belongs to. */
export async function companiesOf(db: Kysely<Database>, workspaceId: string, profileId: string) {
  return db
    .selectFrom('company_members')
    .innerJoin('companies', (join) =>
      join
        .onRef('companies.company_id', '=', 'company_members.company_id')
        .onRef('companies.workspace_id', '=', 'company_members.workspace_id'),
    )
    .select(['companies.company_id as id', 'companies.name as name'])
    .where('company_members.workspace_id', '=', workspaceId)
    .where('company_members.profile_id', '=', profileId)
    .orderBy('companies.company_id')
    .execute();
}

/**
 * The companies of these profiles, one row per membership: the company's name and its traits
 * (as the store returns them: `fromJson` reads them). One query per 1,000 profiles.
 */
export async function companiesOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<{ profile_id: string; name: string; traits: unknown }[]> {
  const companies: { profile_id: string; name: string; traits: unknown }[] = [];
  for (const chunk of chunksOf(profileIds)) {
    const rows = await db
      .selectFrom('company_members')
      .innerJoin('companies', (join) =>
        join
          .onRef('companies.workspace_id', '=', 'company_members.workspace_id')
          .onRef('companies.company_id', '=', 'company_members.company_id'),
      )
      .select(['company_members.profile_id', 'companies.name', 'companies.traits'])
      .where('company_members.workspace_id', '=', workspaceId)
      .where('company_members.profile_id', 'in', chunk)
      .execute();
    for (const row of rows) companies.push(row);
  }
  return companies;
}

async function loadCompanies(db: Kysely<Database>, workspaceId: string, groupIds: string[]) {
  const companies = new Map<string, CompanyState>();
  const rows = await db
    .selectFrom('companies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('group_id', 'in', groupIds)
    .execute();
  for (const row of rows) {
    companies.set(row.group_id, {
      companyId: row.company_id,
      name: row.name,
      traits: fromJson<Record<string, unknown>>(row.traits),
      traitsAt: row.traits_at,
      createdAt: row.created_at,
      isNew: false,
    });
  }
  return companies;
}

function newCompany(group: GroupWrite, now: string): CompanyState {
  return {
    companyId: newId('company'),
    name: group.groupId,
    traits: {},
    traitsAt: '',
    createdAt: now,
    isNew: true,
  };
}
