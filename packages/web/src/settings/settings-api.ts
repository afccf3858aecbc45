import type { ApiToken, Member, Role } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

/** The creation answer is the only time the token's secret is ever sent. */
export type CreatedApiToken = ApiToken & { token: string };

export const membersApi = {
  list: (cursor: string | null) => apiClient.get<Page<Member>>(withPage('/api/v1/members', { cursor })),
  invite: (input: { email: string; password?: string; role: Role }) =>
    apiClient.post<Member>('/api/v1/users', input),
};

export const tokensApi = {
  list: (cursor: string | null) => apiClient.get<Page<ApiToken>>(withPage('/api/v1/tokens', { cursor })),
  create: (input: { name: string; role: Role }) => apiClient.post<CreatedApiToken>('/api/v1/tokens', input),
  revoke: (tokenId: string) => apiClient.delete(`/api/v1/tokens/${encodeURIComponent(tokenId)}`),
};

// Keyed by workspace so one workspace's lists never show under another's name.
export const membersQueryKey = (workspaceId: string) => ['members', workspaceId] as const;
export const tokensQueryKey = (workspaceId: string) => ['tokens', workspaceId] as const;
