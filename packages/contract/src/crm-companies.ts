import { z } from 'zod';
import { CustomFieldValuesSchema } from './crm-people.js';
import { PageQuerySchema } from './paging.js';
import { LIST_SORT_FIELDS, listSortSchema } from './saved-views.js';

/** A web domain as companies keep it: lower case, without scheme, `www.` or path. */
export const DomainSchema = z
  .string()
  .trim()
  .max(253)
  .transform((raw) =>
    raw
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, '')
      .replace(/^www\./, '')
      .replace(/[/?#].*$/, ''),
  )
  .pipe(z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a domain such as example.com'));

const UserRefSchema = z.string().trim().min(1).max(100).describe('A user id (usr_…)');

export const CompanyPersonSchema = z.object({
  profileId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
});

export const CompanySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    ownerId: z.string().nullable(),
    traits: z.record(z.string(), z.unknown()),
    fields: z.record(z.string(), z.unknown()),
    people: z.array(CompanyPersonSchema).describe('Its people (the first 200), from group calls and by hand'),
    mergedIds: z.array(z.string()).describe('Companies merged into this one'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Company' });
export type Company = z.infer<typeof CompanySchema>;

export const CompanySummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    ownerId: z.string().nullable(),
    people: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CompanySummary' });
export type CompanySummary = z.infer<typeof CompanySummarySchema>;

const CompanyFields = {
  name: z.string().trim().min(1).max(200),
  domains: z.array(DomainSchema).max(50),
  ownerId: UserRefSchema.nullable(),
  traits: z.record(z.string().min(1).max(200), z.unknown()),
  fields: CustomFieldValuesSchema.describe('Custom field values by key; null clears one'),
};

export const CreateCompanySchema = z.strictObject({
  name: CompanyFields.name,
  domain: DomainSchema.optional().describe('Its main domain (added to `domains`)'),
  domains: CompanyFields.domains.optional(),
  ownerId: CompanyFields.ownerId.optional(),
  traits: CompanyFields.traits.optional(),
  fields: CompanyFields.fields.optional(),
});
export type CreateCompany = z.input<typeof CreateCompanySchema>;

export const UpdateCompanySchema = z.strictObject(CompanyFields).partial();
export type UpdateCompany = z.input<typeof UpdateCompanySchema>;

export const CompanyListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(200).optional().describe('The beginning of a name or a domain'),
  ownerId: z.string().min(1).max(100).optional().describe('Companies this user owns'),
  sort: listSortSchema(LIST_SORT_FIELDS.companies),
});
export type CompanyListQuery = z.infer<typeof CompanyListQuerySchema>;

export const MergeCompaniesSchema = z.strictObject({
  otherId: z
    .string()
    .min(1)
    .describe('The company merged into this one (its people, domains, and what this one lacks)'),
});
export const CompanyPersonLinkSchema = z.strictObject({ profileId: z.string().min(1) });
export const CompanyPersonParamsSchema = z.object({ id: z.string().min(1), profileId: z.string().min(1) });

export const CompanyDuplicatesSchema = z.object({
  data: z.array(
    z.object({ domain: z.string(), companies: z.array(z.object({ id: z.string(), name: z.string() })) }),
  ),
});

export const CrmSettingsSchema = z
  .object({
    linkPeopleByEmailDomain: z
      .boolean()
      .describe(
        'Link people to the company whose domain their email has, when a domain is added or a person created by hand',
      ),
    assignNewLeadsTo: z
      .string()
      .nullable()
      .default(null)
      .describe('The team that assigns an owner to people created by hand without one'),
  })
  .meta({ id: 'CrmSettings' });
export type CrmSettings = z.infer<typeof CrmSettingsSchema>;
