import type { ApiToken, Invitation, Member, Role } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

/** The creation answer is the only time the token's secret is ever sent. */
export type CreatedApiToken = ApiToken & { token: string };

const memberPath = (userId: string) => `/api/v1/members/${encodeURIComponent(userId)}`;

export const membersApi = {
  list: (cursor: string | null) => apiClient.get<Page<Member>>(withPage('/api/v1/members', { cursor })),
  invite: (input: { email: string; password?: string; role: Role }) =>
    apiClient.post<Invitation>('/api/v1/users', input),
  changeRole: (input: { userId: string; role: Role }) =>
    apiClient.patch<Member>(memberPath(input.userId), { role: input.role }),
  remove: (userId: string) => apiClient.delete(memberPath(userId)),
};

export const invitationsApi = {
  /** Invitations still waiting for an answer. */
  list: (cursor: string | null) =>
    apiClient.get<Page<Invitation>>(withPage('/api/v1/invitations', { cursor })),
  withdraw: (invitationId: string) =>
    apiClient.delete(`/api/v1/invitations/${encodeURIComponent(invitationId)}`),
};

export const tokensApi = {
  list: (cursor: string | null) => apiClient.get<Page<ApiToken>>(withPage('/api/v1/tokens', { cursor })),
  create: (input: { name: string; role: Role; expiresAt?: string }) =>
    apiClient.post<CreatedApiToken>('/api/v1/tokens', input),
  revoke: (tokenId: string) => apiClient.delete(`/api/v1/tokens/${encodeURIComponent(tokenId)}`),
};

// Keyed by workspace so one workspace's lists never show under another's name.
export const membersQueryKey = (workspaceId: string) => ['members', workspaceId] as const;
export const invitationsQueryKey = (workspaceId: string) => ['invitations', workspaceId] as const;
export const tokensQueryKey = (workspaceId: string) => ['tokens', workspaceId] as const;
