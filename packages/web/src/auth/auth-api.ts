import type { SessionInfo } from '@tandem/contract';
import { ApiError, apiClient, setCsrfToken } from '../api/api-client';

// Every answer that carries a session also carries its CSRF token; remember it for later writes.
function remember(session: SessionInfo | null): SessionInfo | null {
  setCsrfToken(session?.csrfToken ?? null);
  return session;
}

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

  async login(credentials: { email: string; password: string }): Promise<SessionInfo> {
    const session = await apiClient.post<SessionInfo>('/api/v1/auth/login', credentials);
    remember(session);
    return session;
  },

  async logout(): Promise<void> {
    await apiClient.post<void>('/api/v1/auth/logout');
    remember(null);
  },

  async switchWorkspace(workspaceId: string): Promise<SessionInfo> {
    const session = await apiClient.post<SessionInfo>('/api/v1/auth/workspace', { workspaceId });
    remember(session);
    return session;
  },
};
