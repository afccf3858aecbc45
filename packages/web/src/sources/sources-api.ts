import type { Source } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const sourcePath = (sourceId: string) => `/api/v1/sources/${encodeURIComponent(sourceId)}`;

export const sourcesApi = {
  list: (cursor: string | null) => apiClient.get<Page<Source>>(withPage('/api/v1/sources', { cursor })),
  get: (sourceId: string) => apiClient.get<Source>(sourcePath(sourceId)),
  create: (input: { name: string; kind?: 'tracking' | 'webhook' }) =>
    apiClient.post<Source>('/api/v1/sources', input),
  remove: (sourceId: string) => apiClient.delete(sourcePath(sourceId)),
};

/** Keyed by workspace so one workspace's sources never show under another's name. */
export const sourcesQueryKey = (workspaceId: string) => ['sources', workspaceId] as const;
