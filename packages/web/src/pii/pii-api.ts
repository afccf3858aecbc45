import type { PersonalDataAccess, PiiSettings, UpdatePiiSettings } from '@tandem/contract';
import { apiClient } from '../api/api-client';

export const piiApi = {
  settings: () => apiClient.get<PiiSettings>('/api/v1/pii/settings'),
  update: (settings: UpdatePiiSettings) => apiClient.put<PiiSettings>('/api/v1/pii/settings', settings),
  access: () => apiClient.get<PersonalDataAccess>('/api/v1/pii/access'),
};

/** Every PII query of a workspace starts with this key. */
export const piiQueryKey = (workspaceId: string) => ['pii', workspaceId] as const;
