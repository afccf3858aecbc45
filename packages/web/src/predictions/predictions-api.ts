import type {
  PersonPredictions,
  PredictionRun,
  PredictionSettings,
  PredictionsOverview,
} from '@tandem/contract';
import { apiClient } from '../api/api-client';

export const predictionsApi = {
  overview: () => apiClient.get<PredictionsOverview>('/api/v1/predictions'),
  saveSettings: (settings: PredictionSettings) =>
    apiClient.put<PredictionSettings>('/api/v1/predictions/settings', settings),
  refresh: () => apiClient.post<PredictionRun>('/api/v1/predictions/refresh'),
  personOf: (profileId: string) =>
    apiClient.get<{ predictions: PersonPredictions | null }>(
      `/api/v1/predictions/people/${encodeURIComponent(profileId)}`,
    ),
};

/** Every predictions query of a workspace starts with this key. */
export const predictionsQueryKey = (workspaceId: string) => ['predictions', workspaceId] as const;

/** A number as the page shows it: at most `digits` decimals, grouped. */
export const formatNumber = (value: number, digits = 2) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });
