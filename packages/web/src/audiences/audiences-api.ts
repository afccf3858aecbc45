import type { Audience, AudienceMember, AudiencePreview, AudienceRule } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

/** What the builder saves: a name, a rule, and the consent purpose members must have granted (or null). */
type AudienceInput = { name: string; rule: AudienceRule; requiredPurpose: string | null };

const audiencePath = (audienceId: string) => `/api/v1/audiences/${encodeURIComponent(audienceId)}`;

export const audiencesApi = {
  list: (cursor: string | null) =>
    apiClient.get<Page<Audience>>(withPage('/api/v1/audiences', { limit: 100, cursor })),
  get: (audienceId: string) => apiClient.get<Audience>(audiencePath(audienceId)),
  create: (input: AudienceInput) => apiClient.post<Audience>('/api/v1/audiences', input),
  update: (audienceId: string, input: AudienceInput) =>
    apiClient.patch<Audience>(audiencePath(audienceId), input),
  remove: (audienceId: string) => apiClient.delete(audiencePath(audienceId)),
  members: (audienceId: string, cursor: string | null) =>
    apiClient.get<Page<AudienceMember>>(
      withPage(`${audiencePath(audienceId)}/members`, { limit: 50, cursor }),
    ),
  preview: (rule: AudienceRule, requiredPurpose: string | null) =>
    apiClient.post<AudiencePreview>('/api/v1/audiences/preview', { rule, requiredPurpose }),
};

/** Every audience query of a workspace starts with this key, so one invalidation refreshes them all. */
export const audiencesQueryKey = (workspaceId: string) => ['audiences', workspaceId] as const;
