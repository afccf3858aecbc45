import type { SearchResults, SearchType } from '@tandem/contract';
import { apiClient, withPage } from '../api/api-client';

export const searchApi = {
  search: (q: string, limit = 5) => apiClient.get<SearchResults>(withPage('/api/v1/search', { q, limit })),
};

/** Where each kind of record opens. */
export const SEARCH_TARGETS: Readonly<Record<SearchType, { label: string; pathOf: (id: string) => string }>> =
  {
    people: { label: 'People', pathOf: (id) => `/people/${encodeURIComponent(id)}` },
    companies: { label: 'Companies', pathOf: (id) => `/companies/${encodeURIComponent(id)}` },
    deals: { label: 'Deals', pathOf: (id) => `/deals/${encodeURIComponent(id)}` },
  };
