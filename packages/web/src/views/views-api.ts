import type { CreateSavedView, SavedView, SavedViewEntity, UpdateSavedView } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const viewPath = (viewId: string) => `/api/v1/views/${encodeURIComponent(viewId)}`;

export const viewsApi = {
  list: (entity: SavedViewEntity) => apiClient.get<Page<SavedView>>(withPage('/api/v1/views', { entity })),
  create: (view: CreateSavedView) => apiClient.post<SavedView>('/api/v1/views', view),
  update: (viewId: string, patch: UpdateSavedView) => apiClient.patch<SavedView>(viewPath(viewId), patch),
  remove: (viewId: string) => apiClient.delete(viewPath(viewId)),
};

/** Every view query of a workspace starts with this key: one invalidation refreshes them all. */
export const viewsQueryKey = (workspaceId: string) => ['views', workspaceId] as const;

/** The download address of a people view as CSV (everyone without a view). */
export function peopleExportUrl(viewId: string | null): string {
  return exportUrl('people', viewId);
}

/** The download address of a view of a list as CSV (the whole list without a view). */
export function exportUrl(entity: SavedViewEntity, viewId: string | null): string {
  return withPage(`/api/v1/${entity}/export.csv`, { view: viewId });
}

/** What a list page has on screen, saved as a view. */
export type ViewDefinition = Pick<SavedView, 'filters' | 'sort' | 'columns'>;
