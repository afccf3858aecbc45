import type { Role, SessionInfo } from '@tandem/contract';
import { ApiError, apiClient, setCsrfToken } from '../api/api-client';

// Every answer that carries a session also carries its CSRF token; remember it for later writes.
function remember(session: SessionInfo | null): SessionInfo | null {
  setCsrfToken(session?.csrfToken ?? null);
  return session;
}

async function session(answer: Promise<SessionInfo>): Promise<SessionInfo> {
  const info = await answer;
  remember(info);
  return info;
}

/** What an emailed invitation link invites to, before it is accepted. */
export type InvitationLink = {
  workspace: { id: string; name: string };
  email: string;
  role: Role;
  needsPassword: boolean;
};

export const authApi = {
  /** The signed-in session, or `null` when there is none (a 401 is an expected answer here). */
  async fetchSession(): Promise<SessionInfo | null> {
    try {
      return remember(await apiClient.get<SessionInfo>('/api/v1/auth/session'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return remember(null);
      throw error;
    }
  },

  login: (credentials: { email: string; password: string }) =>
    session(apiClient.post<SessionInfo>('/api/v1/auth/login', credentials)),

  async logout(): Promise<void> {
    await apiClient.post<void>('/api/v1/auth/logout');
    remember(null);
  },

  switchWorkspace: (workspaceId: string) =>
    session(apiClient.post<SessionInfo>('/api/v1/auth/workspace', { workspaceId })),

  /** Ends the account's other sessions; this one stays. */
  changePassword: (input: { currentPassword: string; newPassword: string }) =>
    apiClient.post<void>('/api/v1/auth/password', input),

  /** Answers the same whether or not the email has an account. */
  requestPasswordReset: (email: string) =>
    apiClient.post<{ message: string }>('/api/v1/auth/password-reset', { email }),

  confirmPasswordReset: (input: { token: string; password: string }) =>
    apiClient.post<{ email: string }>('/api/v1/auth/password-reset/confirm', input),

  invitationOfLink: (token: string) => apiClient.post<InvitationLink>('/api/v1/auth/invitation', { token }),

  acceptInvitationLink: (input: { token: string; password?: string }) =>
    apiClient.post<{ email: string }>('/api/v1/auth/invitation/accept', input),

  /** Accepts or declines one of the signed-in user's invitations to another workspace. */
  answerInvitation: (input: { invitationId: string; accept: boolean }) =>
    session(
      apiClient.post<SessionInfo>(
        `/api/v1/auth/invitations/${encodeURIComponent(input.invitationId)}/${input.accept ? 'accept' : 'decline'}`,
      ),
    ),

  /** Leaves the current workspace; the server ends this session there. */
  leaveWorkspace: () => apiClient.delete('/api/v1/members/me'),
};
