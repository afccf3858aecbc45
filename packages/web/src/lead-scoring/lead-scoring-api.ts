import type {
  LeadScore,
  LeadScoreCalibration,
  LeadScoring,
  LeadScoringSettings,
  ScoredLead,
} from '@tandem/contract';
import { apiClient, type Page } from '../api/api-client';

export const leadScoringApi = {
  get: () => apiClient.get<LeadScoring>('/api/v1/lead-scoring'),
  save: (settings: LeadScoringSettings) => apiClient.put<LeadScoring>('/api/v1/lead-scoring', settings),
  scoreOf: (profileId: string) =>
    apiClient.get<LeadScore>(`/api/v1/lead-scoring/scores/${encodeURIComponent(profileId)}`),
  topLeads: (limit: number) => apiClient.get<Page<ScoredLead>>(`/api/v1/lead-scoring/scores?limit=${limit}`),
  calibration: () => apiClient.get<LeadScoreCalibration>('/api/v1/lead-scoring/calibration'),
};

/** Every lead scoring query of a workspace starts with this key. */
export const leadScoringQueryKey = (workspaceId: string) => ['lead-scoring', workspaceId] as const;
