import type { Dashboard, DashboardSummary } from '@tandem/contract';
import { apiClient, type Page } from '../api/api-client';

const dashboardPath = (dashboardId: string) => `/api/v1/dashboards/${encodeURIComponent(dashboardId)}`;
const tilePath = (dashboardId: string, tileId: string) =>
  `${dashboardPath(dashboardId)}/tiles/${encodeURIComponent(tileId)}`;

export const dashboardsApi = {
  list: () => apiClient.get<Page<DashboardSummary>>('/api/v1/dashboards'),
  get: (dashboardId: string) => apiClient.get<Dashboard>(dashboardPath(dashboardId)),
  create: (input: { name: string; description?: string }) =>
    apiClient.post<Dashboard>('/api/v1/dashboards', input),
  update: (dashboardId: string, patch: { name?: string; description?: string }) =>
    apiClient.patch<Dashboard>(dashboardPath(dashboardId), patch),
  remove: (dashboardId: string) => apiClient.delete(dashboardPath(dashboardId)),
  addTile: (dashboardId: string, tile: { insightId: string; width?: number }) =>
    apiClient.post<Dashboard>(`${dashboardPath(dashboardId)}/tiles`, tile),
  resizeTile: (dashboardId: string, tileId: string, width: number) =>
    apiClient.patch<Dashboard>(tilePath(dashboardId, tileId), { width }),
  removeTile: (dashboardId: string, tileId: string) =>
    apiClient.delete<Dashboard>(tilePath(dashboardId, tileId)),
  reorderTiles: (dashboardId: string, tileIds: readonly string[]) =>
    apiClient.put<Dashboard>(`${dashboardPath(dashboardId)}/tiles/order`, { tileIds }),
};

/** Every dashboard query of a workspace starts with this key. */
export const dashboardsQueryKey = (workspaceId: string) => ['dashboards', workspaceId] as const;
