import type { RetentionPolicies, RetentionRun } from '@tandem/contract';
import { apiClient, type Page } from '../api/api-client';

export const retentionApi = {
  policies: () => apiClient.get<RetentionPolicies>('/api/v1/retention/policies'),
  savePolicies: (policies: RetentionPolicies) =>
    apiClient.put<RetentionPolicies>('/api/v1/retention/policies', policies),
  runs: () => apiClient.get<Page<RetentionRun>>('/api/v1/retention/runs?limit=20'),
  runNow: () => apiClient.post<RetentionRun>('/api/v1/retention/runs'),
};

/** Every retention query of a workspace starts with this key. */
export const retentionQueryKey = (workspaceId: string) => ['retention', workspaceId] as const;
