import type { ImportJob, SourceStats, StoredEvent, StoredRejection } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const sourcePath = (sourceId: string) => `/api/v1/sources/${encodeURIComponent(sourceId)}`;
// What the debugger seeds its feed with; the live stream adds to it.
const RECENT = 100;

export const sourceDebuggerApi = {
  stats: (sourceId: string) => apiClient.get<SourceStats>(`${sourcePath(sourceId)}/stats`),
  events: (sourceId: string) =>
    apiClient.get<{ data: StoredEvent[] }>(withPage(`${sourcePath(sourceId)}/events`, { limit: RECENT })),
  rejections: (sourceId: string) =>
    apiClient.get<{ data: StoredRejection[] }>(
      withPage(`${sourcePath(sourceId)}/rejections`, { limit: RECENT }),
    ),
  /** Server-sent events; the session cookie authenticates it like any GET. */
  livePath: (sourceId: string) => `${sourcePath(sourceId)}/live`,
  // The imports list has no source filter: the latest imports of the workspace are read and filtered here.
  imports: () => apiClient.get<Page<ImportJob>>(withPage('/api/v1/imports', { limit: RECENT })),
};

export const sourceDebuggerQueryKey = (workspaceId: string, sourceId: string) =>
  ['source-debugger', workspaceId, sourceId] as const;

export const sourceStatsQueryKey = (workspaceId: string, sourceId: string) =>
  [...sourceDebuggerQueryKey(workspaceId, sourceId), 'stats'] as const;
