import type { Profile, ProfileMerge, ProfileSummary, TimelineEvent } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

export type UnmergeResult = { survivor: Profile; restored: Profile };

const PAGE_SIZE = 50;
const profilePath = (profileId: string) => `/api/v1/profiles/${encodeURIComponent(profileId)}`;

export const profilesApi = {
  list: (q: string, cursor: string | null) =>
    apiClient.get<Page<ProfileSummary>>(withPage('/api/v1/profiles', { q, limit: PAGE_SIZE, cursor })),
  get: (profileId: string) => apiClient.get<Profile>(profilePath(profileId)),
  timeline: (profileId: string, event: string, cursor: string | null) =>
    apiClient.get<Page<TimelineEvent>>(
      withPage(`${profilePath(profileId)}/events`, { event, limit: PAGE_SIZE, cursor }),
    ),
  merges: (profileId: string) => apiClient.get<{ data: ProfileMerge[] }>(`${profilePath(profileId)}/merges`),
  unmerge: (input: { profileId: string; mergeId: string }) =>
    apiClient.post<UnmergeResult>(`${profilePath(input.profileId)}/unmerge`, { mergeId: input.mergeId }),
};

/** Every profile query of a workspace starts with this key, so one invalidation refreshes them all. */
export const profilesQueryKey = (workspaceId: string) => ['profiles', workspaceId] as const;
export const profileQueryKey = (workspaceId: string, profileId: string) =>
  [...profilesQueryKey(workspaceId), 'profile', profileId] as const;
