import type { ApiToken, FormerMember, Invitation, Member, MemberHoldings, Role } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

/** The creation answer is the only time the token's secret is ever sent. */
export type CreatedApiToken = ApiToken & { token: string };

/** How a record names its owner or assignee once they are no longer in the workspace. */
export const FORMER_MEMBER = 'Former member';

const memberPath = (userId: string) => `/api/v1/members/${encodeURIComponent(userId)}`;

export const membersApi = {
  list: (cursor: string | null) => apiClient.get<Page<Member>>(withPage('/api/v1/members', { cursor })),
  /** Every member, page after page (owners and assignees are picked from all of them). */
  all: async (): Promise<Member[]> => {
    const all: Member[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Member> = await apiClient.get<Page<Member>>(
        withPage('/api/v1/members', { limit: 1000, cursor }),
      );
      all.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  },
  invite: (input: { email: string; password?: string; role: Role }) =>
    apiClient.post<Invitation>('/api/v1/users', input),
  changeRole: (input: { userId: string; role: Role }) =>
    apiClient.patch<Member>(memberPath(input.userId), { role: input.role }),
  /** What the member holds that another could take over when they are removed. */
  holdings: (userId: string) => apiClient.get<MemberHoldings>(`${memberPath(userId)}/holdings`),
  /** `handOverTo`: another member who takes over what they hold (else it keeps them as owner). */
  remove: (userId: string, handOverTo: string | null = null) =>
    apiClient.delete(
      handOverTo === null
        ? memberPath(userId)
        : `${memberPath(userId)}?handOverTo=${encodeURIComponent(handOverTo)}`,
    ),
};

export const formerMembersApi = {
  /** Everyone gone from the workspace who still holds records, and what (all at once: few). */
  list: () => apiClient.get<{ data: FormerMember[] }>('/api/v1/former-members'),
  /** A current member takes over what they hold; answers how many of each moved. */
  handOver: (input: { userId: string; handOverTo: string }) =>
    apiClient.post<MemberHoldings>(`/api/v1/former-members/${encodeURIComponent(input.userId)}/hand-over`, {
      handOverTo: input.handOverTo,
    }),
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
// Under the members' key: a change of members refreshes what each holds too.
export const holdingsQueryKey = (workspaceId: string, userId: string) =>
  [...membersQueryKey(workspaceId), 'holdings', userId] as const;
// Under the members' key too: removing someone without a hand-over may add one.
export const formerMembersQueryKey = (workspaceId: string) =>
  [...membersQueryKey(workspaceId), 'former'] as const;
export const invitationsQueryKey = (workspaceId: string) => ['invitations', workspaceId] as const;
export const tokensQueryKey = (workspaceId: string) => ['tokens', workspaceId] as const;
