import { useMutation, useQueryClient } from '@tanstack/react-query';
import { authApi } from './auth-api';
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
    onSuccess: () => {
      // Drop everything the previous user could see before the guard sends them to /login.
      queryClient.removeQueries();
      queryClient.setQueryData(SESSION_QUERY_KEY, null);
    },
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
