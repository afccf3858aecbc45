import type { SessionInfo } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { authApi } from './auth-api';

export const SESSION_QUERY_KEY = ['session'] as const;

/** The current session; `data` is `null` when nobody is signed in. */
export function useSession() {
  return useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: authApi.fetchSession,
    // The session changes only through login, logout and workspace switches, which update it.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The session inside the signed-in part of the app, where `RequireSession` guarantees one. */
export function useCurrentSession(): SessionInfo {
  const { data } = useSession();
  // When a session ends, a page can render once more before the guard above it unmounts it
  // (its own query answered first): it keeps the session it was showing.
  const shown = useRef(data);
  if (data) shown.current = data;
  if (!shown.current) throw new Error('useCurrentSession is only usable below <RequireSession>');
  return shown.current;
}
