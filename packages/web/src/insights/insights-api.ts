import type {
  CreateSavedInsight,
  FunnelPeopleResult,
  FunnelQuery,
  InsightQuery,
  InsightResult,
  SavedFunnelPeople,
  SavedInsight,
  UpdateSavedInsight,
} from '@tandem/contract';
import { apiClient, type Page } from '../api/api-client';

const savedPath = (insightId: string) => `/api/v1/saved-insights/${encodeURIComponent(insightId)}`;

export const insightsApi = {
  run: (query: InsightQuery) => apiClient.post<InsightResult>('/api/v1/insights/query', query),
  funnelPeople: (funnel: FunnelQuery, step: number, outcome: 'converted' | 'dropped') =>
    apiClient.post<FunnelPeopleResult>('/api/v1/insights/funnel/people', {
      funnel,
      step,
      outcome,
      limit: 100,
    }),
  /** Saves a step's people as a static list (`/lists/{listId}`). */
  saveFunnelPeople: (input: { funnel: FunnelQuery; step: number; outcome: 'dropped'; name: string }) =>
    apiClient.post<SavedFunnelPeople>('/api/v1/insights/funnel/people/list', input),
};

export const savedInsightsApi = {
  list: () => apiClient.get<Page<SavedInsight>>('/api/v1/saved-insights'),
  get: (insightId: string) => apiClient.get<SavedInsight>(savedPath(insightId)),
  create: (input: CreateSavedInsight) => apiClient.post<SavedInsight>('/api/v1/saved-insights', input),
  update: (insightId: string, patch: UpdateSavedInsight) =>
    apiClient.patch<SavedInsight>(savedPath(insightId), patch),
  remove: (insightId: string) => apiClient.delete(savedPath(insightId)),
};

/** Every saved-insight query of a workspace starts with this key. */
export const savedInsightsQueryKey = (workspaceId: string) => ['saved-insights', workspaceId] as const;
