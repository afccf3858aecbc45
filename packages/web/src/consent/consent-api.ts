import type {
  ConsentHistoryPage,
  ConsentOverview,
  ConsentPurpose,
  ConsentSettings,
  CreateConsentPurpose,
  PreferenceLink,
  ProfileConsent,
  PurposeReaders,
  RecordConsent,
  UpdateConsentPurpose,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const purposePath = (key: string) => `/api/v1/consent/purposes/${encodeURIComponent(key)}`;
const profileConsentPath = (profileId: string) => `/api/v1/profiles/${encodeURIComponent(profileId)}/consent`;

export const consentApi = {
  purposes: () => apiClient.get<Page<ConsentPurpose>>('/api/v1/consent/purposes'),
  createPurpose: (purpose: CreateConsentPurpose) =>
    apiClient.post<ConsentPurpose>('/api/v1/consent/purposes', purpose),
  updatePurpose: ({ key, ...patch }: UpdateConsentPurpose & { key: string }) =>
    apiClient.patch<ConsentPurpose>(purposePath(key), patch),
  deletePurpose: (key: string) => apiClient.delete(purposePath(key)),
  purposeReaders: (key: string) => apiClient.get<PurposeReaders>(`${purposePath(key)}/readers`),
  settings: () => apiClient.get<ConsentSettings>('/api/v1/consent/settings'),
  updateSettings: (settings: ConsentSettings) =>
    apiClient.put<ConsentSettings>('/api/v1/consent/settings', settings),
  ofProfile: (profileId: string) => apiClient.get<ProfileConsent>(profileConsentPath(profileId)),
  history: (profileId: string, cursor: string | null) =>
    apiClient.get<ConsentHistoryPage>(
      withPage(`${profileConsentPath(profileId)}/history`, { limit: 25, cursor }),
    ),
  preferenceLink: (profileId: string) =>
    apiClient.post<PreferenceLink>(`${profileConsentPath(profileId)}/preference-link`, {}),
  overview: () => apiClient.get<ConsentOverview>('/api/v1/consent/overview'),
  record: ({ profileId, ...decision }: RecordConsent & { profileId: string }) =>
    apiClient.put<ProfileConsent>(profileConsentPath(profileId), decision),
};

/** Every consent query of a workspace starts with this key. */
export const consentQueryKey = (workspaceId: string) => ['consent', workspaceId] as const;

/** What a purpose's default means, in words a privacy officer uses. */
export const MODE_LABELS = {
  'opt-out': 'Granted until refused (opt-out)',
  'opt-in': 'Refused until granted (opt-in)',
} as const;
