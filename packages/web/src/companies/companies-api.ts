import type {
  Company,
  CompanyListQuery,
  CompanySummary,
  CreateCompany,
  UpdateCompany,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

/** Rows per request: the list is virtualized and loads the next as it scrolls. */
const PAGE_SIZE = 100;
const companyPath = (companyId: string) => `/api/v1/companies/${encodeURIComponent(companyId)}`;

export type CompanyDuplicates = { data: { domain: string; companies: { id: string; name: string }[] }[] };

/** The companies list's search, owner and sort. */
export type CompanyFilters = Partial<Pick<CompanyListQuery, 'q' | 'ownerId' | 'sort'>>;

export const companiesApi = {
  list: (filters: CompanyFilters, cursor: string | null) =>
    apiClient.get<Page<CompanySummary>>(
      withPage('/api/v1/companies', { ...filters, limit: PAGE_SIZE, cursor }),
    ),
  get: (companyId: string) => apiClient.get<Company>(companyPath(companyId)),
  create: (input: CreateCompany) => apiClient.post<Company>('/api/v1/companies', input),
  update: (input: { companyId: string; patch: UpdateCompany }) =>
    apiClient.patch<Company>(companyPath(input.companyId), input.patch),
  duplicates: () => apiClient.get<CompanyDuplicates>('/api/v1/companies/duplicates'),
  merge: (input: { companyId: string; otherId: string }) =>
    apiClient.post<Company>(`${companyPath(input.companyId)}/merge`, { otherId: input.otherId }),
  addPerson: (input: { companyId: string; profileId: string }) =>
    apiClient.post<Company>(`${companyPath(input.companyId)}/people`, { profileId: input.profileId }),
  removePerson: (input: { companyId: string; profileId: string }) =>
    apiClient.delete<Company>(
      `${companyPath(input.companyId)}/people/${encodeURIComponent(input.profileId)}`,
    ),
};
