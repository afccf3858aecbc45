import type {
  EmailTopic,
  FrequencyCap,
  PersonEmailPreferences,
  Suppression,
  UpdateEmailSubscriptions,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const topicPath = (id: string) => `/api/v1/email/topics/${encodeURIComponent(id)}`;
const personPath = (profileId: string) =>
  `/api/v1/profiles/${encodeURIComponent(profileId)}/email-preferences`;

export type TopicFields = { name: string; description: string; defaultSubscribed: boolean };

export const emailPreferencesApi = {
  topics: () => apiClient.get<Page<EmailTopic>>('/api/v1/email/topics'),
  createTopic: (topic: TopicFields) => apiClient.post<EmailTopic>('/api/v1/email/topics', topic),
  updateTopic: ({ id, ...patch }: TopicFields & { id: string }) =>
    apiClient.patch<EmailTopic>(topicPath(id), patch),
  deleteTopic: (id: string) => apiClient.delete(topicPath(id)),
  suppressions: (q: string, cursor: string | null) =>
    apiClient.get<Page<Suppression>>(withPage('/api/v1/email/suppressions', { q, cursor, limit: 50 })),
  suppress: (entry: { address: string; note: string }) =>
    apiClient.post<Suppression>('/api/v1/email/suppressions', { ...entry, reason: 'manual' }),
  unsuppress: (address: string) =>
    apiClient.delete(`/api/v1/email/suppressions/${encodeURIComponent(address)}`),
  frequencyCap: () => apiClient.get<FrequencyCap>('/api/v1/email/frequency-cap'),
  setFrequencyCap: (cap: FrequencyCap) => apiClient.put<FrequencyCap>('/api/v1/email/frequency-cap', cap),
  ofPerson: (profileId: string) => apiClient.get<PersonEmailPreferences>(personPath(profileId)),
  updatePerson: ({ profileId, ...update }: UpdateEmailSubscriptions & { profileId: string }) =>
    apiClient.put<PersonEmailPreferences>(personPath(profileId), update),
};

/** Every email preferences query of a workspace starts with this key. */
export const emailPreferencesQueryKey = (workspaceId: string) => ['email-preferences', workspaceId] as const;

export const SUPPRESSION_REASON_LABELS = {
  hard_bounce: 'Hard bounce',
  complaint: 'Spam complaint',
  manual: 'Added by hand',
} as const;
