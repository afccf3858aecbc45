import type {
  TrackingPlan,
  TrackingPlanDocument,
  TrackingPlanDraft,
  TrackingPlanInput,
  Violation,
} from '@tandem/contract';
import { ApiError, apiClient } from '../api/api-client';

const planPath = (sourceId: string) => `/api/v1/sources/${encodeURIComponent(sourceId)}/tracking-plan`;

export const trackingPlansApi = {
  /** The source's plan; null while it has none. */
  get: async (sourceId: string): Promise<TrackingPlan | null> => {
    try {
      return await apiClient.get<TrackingPlan>(planPath(sourceId));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
  put: (sourceId: string, plan: TrackingPlanInput) => apiClient.put<TrackingPlan>(planPath(sourceId), plan),
  remove: (sourceId: string) => apiClient.delete(planPath(sourceId)),
  export: (sourceId: string) => apiClient.get<TrackingPlanDocument>(`${planPath(sourceId)}/export`),
  import: (sourceId: string, document: unknown) =>
    apiClient.post<TrackingPlan>(`${planPath(sourceId)}/import`, document),
  draft: (sourceId: string) => apiClient.post<TrackingPlanDraft>(`${planPath(sourceId)}/draft`),
  violations: (sourceId: string) => apiClient.get<{ data: Violation[] }>(`${planPath(sourceId)}/violations`),
};

export const trackingPlanQueryKey = (workspaceId: string, sourceId: string) =>
  ['tracking-plan', workspaceId, sourceId] as const;

export const violationsQueryKey = (workspaceId: string, sourceId: string) =>
  [...trackingPlanQueryKey(workspaceId, sourceId), 'violations'] as const;
