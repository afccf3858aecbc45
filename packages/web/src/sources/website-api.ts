import type {
  Audience,
  ComputedTrait,
  PersonalizationSettings,
  PutWebhookSource,
  Source,
  WebhookMappingResult,
  WebhookPreset,
  WebhookSignature,
  WebhookSource,
} from '@tandem/contract';
import { apiClient, type Page } from '../api/api-client';

const sourcePath = (sourceId: string) => `/api/v1/sources/${encodeURIComponent(sourceId)}`;

export interface WebhookPresetInfo {
  id: WebhookPreset;
  name: string;
  mapping: string;
  signature: WebhookSignature;
  samplePayload: unknown;
}

/** The website loop's admin calls: publishable keys, personalization, webhook sources. */
export const websiteApi = {
  rotatePublishableKey: (sourceId: string) =>
    apiClient.post<Source>(`${sourcePath(sourceId)}/publishable-key`),
  personalization: () => apiClient.get<PersonalizationSettings>('/api/v1/personalization/settings'),
  savePersonalization: (settings: PersonalizationSettings) =>
    apiClient.put<PersonalizationSettings>('/api/v1/personalization/settings', settings),
  // The pickers offer every computed trait and audience: workspaces have tens, not thousands.
  computedTraits: () => apiClient.get<Page<ComputedTrait>>('/api/v1/computed-traits?limit=1000'),
  audiences: () => apiClient.get<Page<Audience>>('/api/v1/audiences?limit=1000'),
  presets: () => apiClient.get<{ data: WebhookPresetInfo[] }>('/api/v1/webhook-presets'),
  webhook: (sourceId: string) => apiClient.get<WebhookSource>(`${sourcePath(sourceId)}/webhook`),
  saveWebhook: (sourceId: string, input: PutWebhookSource) =>
    apiClient.put<WebhookSource>(`${sourcePath(sourceId)}/webhook`, input),
  testWebhook: (sourceId: string, input: { payload: unknown; mapping?: string }) =>
    apiClient.post<WebhookMappingResult>(`${sourcePath(sourceId)}/webhook/test`, input),
};
