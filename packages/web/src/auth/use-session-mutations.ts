import { useMutation, useQueryClient } from '@tanstack/react-query';
import { authApi } from './auth-api';
import { endSession } from './end-session';
import { SESSION_QUERY_KEY } from './use-session';

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: authApi.login,
    onSuccess: (session) => queryClient.setQueryData(SESSION_QUERY_KEY, session),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: authApi.logout,
    // The guard sends them to /login and drops everything they could see.
    onSuccess: () => endSession(queryClient),
  });
}

export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: authApi.switchWorkspace,
    onSuccess: async (session) => {
      queryClient.setQueryData(SESSION_QUERY_KEY, session);
      // Every list belongs to a workspace; refetch them all for the new one.
      await queryClient.invalidateQueries();
    },
  });
}
