import {
  type Company,
  type CompanyListQuery,
  type CompanySummary,
  type CreateCompany,
  CreateCompanySchema,
  type CrmSettings,
  DomainSchema,
  parseListSort,
  type UpdateCompany,
  UpdateCompanySchema,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import {
  companiesById,
  createCompany,
  linkMember,
  memberCounts,
  membersOfCompanies,
  type ProfilesService,
  pageOfCompanies,
  sortedPageOfCompanies,
  unlinkMember,
  updateCompany,
} from '../../profiles/index.js';
import { type Database, keysetCursorOf, keysetPositionOf, type Store } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import type { CrmEvents } from '../crm-events.js';
import { crmSettingsOf, saveCrmSettings } from '../crm-settings.js';
import { validateCustomFields } from '../custom-fields/index.js';
import { livePersonOf } from '../people/index.js';
import { companiesOwnedBy, companyOwnerIds, handOverCompaniesWithin } from './company-hand-over.js';
import {
  companyCrmOf,
  domainsOf,
  duplicateDomains,
  liveCompanyId,
  mergedCompanyIds,
  setDomains,
  writeCompanyCrm,
} from './company-rows.js';

const MAX_PEOPLE_SHOWN = 200;
/** Companies whose name starts like the one looked for, read to find the one named exactly. */
const NAME_MATCHES_READ = 200;
/** People linked at once when a domain is added with linking by email domain on. */
const MAX_LINKED_BY_DOMAIN = 1000;

export interface CompaniesDeps {
  readonly identity: IdentityService;
  readonly profiles: ProfilesService;
  readonly crmEvents: CrmEvents;
  readonly clock: () => number;
  readonly wake: () => void;
}

/**
 * Companies in the CRM: those of group calls and those created by hand, with domains, an owner,
 * traits and custom fields; people linked by group calls, by hand or by email domain; duplicates
 * (one domain, several companies) merged into one. A merged company's id answers with the survivor.
 */
export class CompaniesService {
  constructor(
    private readonly store: Store,
    private readonly deps: CompaniesDeps,
  ) {}

  private now() {
    return new Date(this.deps.clock()).toISOString();
  }

  async create(workspaceId: string, input: CreateCompany, actorId: string | null): Promise<Company> {
    const company = CreateCompanySchema.parse(input);
    const domains = [...new Set([...(company.domain ? [company.domain] : []), ...(company.domains ?? [])])];
    const id = await this.store.db.transaction().execute(async (trx) => {
      const fields = await validateCustomFields(trx, workspaceId, 'company', company.fields ?? {});
      const created = await createCompany(trx, workspaceId, {
        name: company.name,
        traits: company.traits ?? {},
      });
      await writeCompanyCrm(trx, workspaceId, created.companyId, {
        ownerId: company.ownerId ?? null,
        fields,
        mergedInto: null,
      });
      await setDomains(trx, workspaceId, created.companyId, domains);
      const after = { name: company.name, domains, ownerId: company.ownerId ?? null, fields };
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'company',
          entityId: created.companyId,
          action: 'create',
          after,
          at: this.now(),
        },
      ]);
      await this.linkByDomains(trx, workspaceId, created.companyId, domains, actorId);
      return created.companyId;
    });
    this.deps.wake();
    return this.get(workspaceId, id);
  }

  async get(workspaceId: string, companyId: string, db: Kysely<Database> = this.store.db): Promise<Company> {
    const liveId = await liveCompanyId(db, workspaceId, companyId);
    const [record] = await companiesById(db, workspaceId, [liveId]);
    if (!record) throw new AppError('not_found', `Company ${companyId} not found`);
    const ids = await mergedCompanyIds(db, workspaceId, liveId);
    const [crm, domains, linked] = await Promise.all([
      companyCrmOf(db, workspaceId, [liveId]),
      domainsOf(db, workspaceId, ids),
      membersOfCompanies(db, workspaceId, ids, MAX_PEOPLE_SHOWN * 2),
    ]);
    const people = db === this.store.db ? await this.peopleOf(workspaceId, linked) : [];
    const own = crm.get(liveId);
    return {
      id: liveId,
      name: record.name,
      domains: [...new Set([...domains.values()].flat())].sort(),
      ownerId: own?.ownerId ?? null,
      traits: record.traits,
      fields: own?.fields ?? {},
      people,
      mergedIds: ids.slice(1),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  private async peopleOf(workspaceId: string, linked: readonly string[]): Promise<Company['people']> {
    const live = new Set<string>();
    for (const profileId of linked) {
      const liveId = await this.deps.identity.resolveProfileId(workspaceId, profileId);
      if (liveId !== undefined) live.add(liveId);
      if (live.size >= MAX_PEOPLE_SHOWN) break;
    }
    const summaries = await this.deps.profiles.summariesOf(workspaceId, [...live]);
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
    return summaries.map((s) => ({
      profileId: s.id,
      name: text(s.traits.name),
      email: text(s.traits.email) ?? s.identities.find((i) => i.type === 'email')?.value ?? null,
    }));
  }

  /**
   * A page of live companies: by id, or those whose name or a domain starts with `q`; with
   * `sort` or `ownerId`, in that sort (name by default) with an opaque cursor.
   */
  async list(
    workspaceId: string,
    query: CompanyListQuery,
  ): Promise<{ data: CompanySummary[]; nextCursor: string | null }> {
    const db = this.store.db;
    const merged = (
      await db
        .selectFrom('crm_companies')
        .select('company_id')
        .where('workspace_id', '=', workspaceId)
        .where('merged_into', 'is not', null)
        .execute()
    ).map((row) => row.company_id);
    if (query.sort !== undefined || query.ownerId !== undefined) {
      return this.sortedList(workspaceId, query, merged);
    }
    let records = await pageOfCompanies(db, workspaceId, {
      ...query,
      limit: query.limit + 1,
      exclude: merged,
    });
    if (query.q !== undefined) {
      const byDomain = await db
        .selectFrom('crm_company_domains')
        .select('company_id')
        .where('workspace_id', '=', workspaceId)
        .where('domain', 'like', `${query.q.toLowerCase()}%`)
        .$if(query.cursor !== undefined, (qb) => qb.where('company_id', '>', query.cursor ?? ''))
        .limit(query.limit + 1)
        .execute();
      const known = new Set(records.map((r) => r.companyId));
      const extra = byDomain
        .map((row) => row.company_id)
        .filter((id) => !known.has(id) && !merged.includes(id));
      records = [...records, ...(await companiesById(db, workspaceId, extra))]
        .sort((a, b) => (a.companyId < b.companyId ? -1 : 1))
        .slice(0, query.limit + 1);
    }
    const page = records.slice(0, query.limit);
    return {
      data: await this.summariesOf(workspaceId, page),
      nextCursor: records.length > query.limit ? (page.at(-1)?.companyId ?? null) : null,
    };
  }

  private async sortedList(
    workspaceId: string,
    query: CompanyListQuery,
    merged: readonly string[],
  ): Promise<{ data: CompanySummary[]; nextCursor: string | null }> {
    const db = this.store.db;
    const sort = parseListSort(query.sort ?? 'name') as { field: 'name'; direction: 'asc' | 'desc' };
    const ownerId = query.ownerId;
    const onlyIds =
      ownerId === undefined
        ? undefined
        : (
            await db
              .selectFrom('crm_companies')
              .select('company_id')
              .where('workspace_id', '=', workspaceId)
              .where('owner_id', '=', ownerId)
              .execute()
          ).map((row) => row.company_id);
    // A domain match joins the name matches: at most this many companies by domain per page.
    const alsoIds =
      query.q === undefined
        ? []
        : (
            await db
              .selectFrom('crm_company_domains')
              .select('company_id')
              .where('workspace_id', '=', workspaceId)
              .where('domain', 'like', `${query.q.toLowerCase()}%`)
              .limit(1000)
              .execute()
          ).map((row) => row.company_id);
    const rows = await sortedPageOfCompanies(db, workspaceId, {
      limit: query.limit + 1,
      sort,
      position: query.cursor === undefined ? undefined : keysetPositionOf(query.cursor),
      q: query.q,
      alsoIds,
      onlyIds,
      exclude: merged,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: await this.summariesOf(
        workspaceId,
        page.map((row) => row.record),
      ),
      nextCursor:
        rows.length > query.limit && last
          ? keysetCursorOf({ key: last.key, id: last.record.companyId })
          : null,
    };
  }

  private async summariesOf(
    workspaceId: string,
    page: readonly { companyId: string; name: string; updatedAt: string }[],
  ): Promise<CompanySummary[]> {
    const db = this.store.db;
    const ids = page.map((r) => r.companyId);
    const [crm, domains, counts] = await Promise.all([
      companyCrmOf(db, workspaceId, ids),
      domainsOf(db, workspaceId, ids),
      memberCounts(db, workspaceId, ids),
    ]);
    return page.map((r) => ({
      id: r.companyId,
      name: r.name,
      domains: domains.get(r.companyId) ?? [],
      ownerId: crm.get(r.companyId)?.ownerId ?? null,
      people: counts.get(r.companyId) ?? 0,
      updatedAt: r.updatedAt,
    }));
  }

  /** How many companies `userId` owns: what their removal from the workspace may hand over. */
  async ownedCount(workspaceId: string, userId: string): Promise<number> {
    return (await companiesOwnedBy(this.store.db, { workspaceId, userId })).length;
  }

  /** Who owns live companies here (former members too). */
  ownerIds(workspaceId: string): Promise<string[]> {
    return companyOwnerIds(this.store.db, workspaceId);
  }

  /** Gives the companies `from` owns to `to` (a member leaving), audited; answers how many. */
  handOver(workspaceId: string, handOver: { from: string; to: string; actorId: string | null }) {
    const at = this.now();
    return this.store.db
      .transaction()
      .execute((trx) => handOverCompaniesWithin(trx, { workspaceId, ...handOver, at }));
  }

  async update(
    workspaceId: string,
    companyId: string,
    input: UpdateCompany,
    actorId: string | null,
  ): Promise<Company> {
    const patch = UpdateCompanySchema.parse(input);
    const liveId = await this.store.db.transaction().execute(async (trx) => {
      const before = await this.get(workspaceId, companyId, trx);
      const fields =
        patch.fields === undefined
          ? before.fields
          : await validateCustomFields(trx, workspaceId, 'company', patch.fields, before.fields);
      await updateCompany(trx, workspaceId, before.id, { name: patch.name, traits: patch.traits });
      const ownerId = patch.ownerId === undefined ? before.ownerId : patch.ownerId;
      await writeCompanyCrm(trx, workspaceId, before.id, { ownerId, fields, mergedInto: null });
      if (patch.domains !== undefined) {
        await setDomains(trx, workspaceId, before.id, patch.domains);
        const added = patch.domains.filter((d) => !before.domains.includes(d));
        await this.linkByDomains(trx, workspaceId, before.id, added, actorId);
      }
      const after = await this.get(workspaceId, before.id, trx);
      const { people: _b, ...was } = before;
      const { people: _a, ...is } = after;
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'company',
          entityId: before.id,
          action: ownerId !== before.ownerId ? 'assign' : 'update',
          before: was,
          after: is,
          at: this.now(),
        },
      ]);
      return before.id;
    });
    return this.get(workspaceId, liveId);
  }

  /**
   * The live company with this domain, else the one with this name (case aside), else a new
   * one created as by hand (named by `name`, else the domain). An import's path to its companies.
   */
  async findOrCreate(
    workspaceId: string,
    input: { domain?: string | undefined; name?: string | undefined },
    actorId: string | null,
  ): Promise<string> {
    const db = this.store.db;
    const parsed = input.domain === undefined ? undefined : DomainSchema.safeParse(input.domain);
    if (parsed && !parsed.success)
      throw new AppError(
        'unprocessable',
        `Invalid domain: "${input.domain}" is not a domain such as example.com`,
        {
          details: [{ path: 'domain', message: 'a domain such as example.com' }],
        },
      );
    const domain = parsed?.data;
    const name = input.name?.trim();
    if (domain) {
      const row = await db
        .selectFrom('crm_company_domains')
        .select('company_id')
        .where('workspace_id', '=', workspaceId)
        .where('domain', '=', domain)
        .orderBy('company_id')
        .executeTakeFirst();
      if (row) return liveCompanyId(db, workspaceId, row.company_id);
    }
    if (name) {
      const sameName = (await pageOfCompanies(db, workspaceId, { limit: NAME_MATCHES_READ, q: name })).find(
        (company) => company.name.toLowerCase() === name.toLowerCase(),
      );
      if (sameName) return liveCompanyId(db, workspaceId, sameName.companyId);
    }
    const created = await this.create(
      workspaceId,
      { name: name || domain || '', ...(domain ? { domain } : {}) },
      actorId,
    );
    return created.id;
  }

  /** Links a person by hand (`Added to Company` on their timeline). */
  async addPerson(
    workspaceId: string,
    companyId: string,
    profileId: string,
    actorId: string | null,
  ): Promise<Company> {
    const liveId = await this.store.db.transaction().execute(async (trx) => {
      const company = await this.get(workspaceId, companyId, trx);
      const person = await livePersonOf(trx, this.deps.identity, {
        workspaceId,
        profileId,
        field: 'profileId',
      });
      await linkMember(trx, workspaceId, person, company.id);
      await this.membershipChanged(trx, {
        workspaceId,
        companyId: company.id,
        name: company.name,
        profileIds: [person],
        actorId,
        added: true,
      });
      return company.id;
    });
    this.deps.wake();
    return this.get(workspaceId, liveId);
  }

  /** Unlinks a person (from the company and those merged into it). */
  async removePerson(
    workspaceId: string,
    companyId: string,
    profileId: string,
    actorId: string | null,
  ): Promise<Company> {
    const liveId = await this.store.db.transaction().execute(async (trx) => {
      const company = await this.get(workspaceId, companyId, trx);
      const live = await livePersonOf(trx, this.deps.identity, {
        workspaceId,
        profileId,
        field: 'profileId',
      });
      const personIds = await this.deps.identity.mergedIdsOf(workspaceId, live, trx);
      for (const id of [company.id, ...company.mergedIds])
        await unlinkMember(trx, workspaceId, personIds, id);
      await this.membershipChanged(trx, {
        workspaceId,
        companyId: company.id,
        name: company.name,
        profileIds: [live],
        actorId,
        added: false,
      });
      return company.id;
    });
    this.deps.wake();
    return this.get(workspaceId, liveId);
  }

  /** Domains that name several companies, with those companies. */
  async duplicates(workspaceId: string) {
    const groups = await duplicateDomains(this.store.db, workspaceId);
    const ids = [...new Set(groups.flatMap(([, companyIds]) => companyIds))];
    const names = new Map(
      (await companiesById(this.store.db, workspaceId, ids)).map((c) => [c.companyId, c.name]),
    );
    return {
      data: groups.map(([domain, companyIds]) => ({
        domain,
        companies: companyIds.map((id) => ({ id, name: names.get(id) ?? id })),
      })),
    };
  }

  /**
   * Merges `otherId` into `companyId`: its people and domains become the survivor's, and its
   * owner, custom fields and traits fill what the survivor lacks. Its id then answers with the survivor.
   */
  async merge(
    workspaceId: string,
    companyId: string,
    otherId: string,
    actorId: string | null,
  ): Promise<Company> {
    const liveId = await this.store.db.transaction().execute(async (trx) => {
      const survivor = await this.get(workspaceId, companyId, trx);
      const other = await this.get(workspaceId, otherId, trx);
      if (survivor.id === other.id) throw new AppError('conflict', 'A company cannot be merged into itself');
      const traits = Object.fromEntries(
        Object.entries(other.traits).filter(([key]) => !(key in survivor.traits)),
      );
      await updateCompany(trx, workspaceId, survivor.id, { traits });
      await writeCompanyCrm(trx, workspaceId, survivor.id, {
        ownerId: survivor.ownerId ?? other.ownerId,
        fields: { ...other.fields, ...survivor.fields },
        mergedInto: null,
      });
      await writeCompanyCrm(trx, workspaceId, other.id, {
        ownerId: other.ownerId,
        fields: other.fields,
        mergedInto: survivor.id,
      });
      await setDomains(trx, workspaceId, survivor.id, [...new Set([...survivor.domains, ...other.domains])]);
      await setDomains(trx, workspaceId, other.id, []);
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'company',
          entityId: survivor.id,
          action: 'merge',
          before: { mergedId: other.id, name: other.name },
          at: this.now(),
        },
      ]);
      return survivor.id;
    });
    return this.get(workspaceId, liveId);
  }

  /** The workspace's CRM settings (linking people by email domain). */
  settings(workspaceId: string): Promise<CrmSettings> {
    return crmSettingsOf(this.store.db, workspaceId);
  }

  updateSettings(workspaceId: string, settings: CrmSettings): Promise<CrmSettings> {
    return saveCrmSettings(this.store.db, this.deps.crmEvents, workspaceId, settings);
  }

  /** With linking by email domain on: people whose email has one of these domains join the company. */
  private async linkByDomains(
    trx: Kysely<Database>,
    workspaceId: string,
    companyId: string,
    domains: readonly string[],
    actorId: string | null,
  ) {
    if (domains.length === 0 || !(await crmSettingsOf(trx, workspaceId)).linkPeopleByEmailDomain) return;
    const [company] = await companiesById(trx, workspaceId, [companyId]);
    for (const domain of domains) {
      const people = await this.deps.identity.profilesWithEmailDomain(
        workspaceId,
        domain,
        MAX_LINKED_BY_DOMAIN,
        trx,
      );
      for (const profileId of people) await linkMember(trx, workspaceId, profileId, companyId);
      await this.membershipChanged(trx, {
        workspaceId,
        companyId,
        name: company?.name ?? '',
        profileIds: people,
        actorId,
        added: true,
      });
    }
  }

  /** The company a person's email domain names, with linking by email domain on. */
  async linkPersonByEmail(workspaceId: string, profileId: string, email: string, actorId: string | null) {
    const domain = email.toLowerCase().split('@')[1];
    if (!domain || !(await crmSettingsOf(this.store.db, workspaceId)).linkPeopleByEmailDomain) return;
    const row = await this.store.db
      .selectFrom('crm_company_domains')
      .select('company_id')
      .where('workspace_id', '=', workspaceId)
      .where('domain', '=', domain)
      .orderBy('company_id')
      .executeTakeFirst();
    if (row) await this.addPerson(workspaceId, row.company_id, profileId, actorId);
  }

  private async membershipChanged(
    trx: Kysely<Database>,
    change: {
      workspaceId: string;
      companyId: string;
      name: string;
      profileIds: readonly string[];
      actorId: string | null;
      added: boolean;
    },
  ) {
    const at = this.now();
    const event = change.added ? 'Added to Company' : 'Removed from Company';
    await this.deps.crmEvents.appendWithin(
      trx,
      change.profileIds.map((profileId) => ({
        workspaceId: change.workspaceId,
        profileId,
        event,
        properties: { companyId: change.companyId, companyName: change.name },
        actorId: change.actorId,
        at,
        messageId: `company-${change.added ? 'added' : 'removed'}-${change.companyId}-${profileId}-${at}`,
      })),
    );
    await recordCrmAudit(
      trx,
      change.profileIds.map((profileId) => ({
        workspaceId: change.workspaceId,
        actorId: change.actorId,
        entityType: 'company',
        entityId: change.companyId,
        action: change.added ? 'link_person' : 'unlink_person',
        profileId,
        at,
      })),
    );
  }
}
