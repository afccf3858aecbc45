import type { QueryClient } from '@tanstack/react-query';
import type { SignInState } from './sign-in-state';
import { SESSION_QUERY_KEY } from './use-session';

type SignOutNotice = Pick<SignInState, 'notice' | 'email'>;
const SIGN_OUT_NOTICE_KEY = ['sign-out-notice'] as const;

/**
 * Forgets a session that ended (a logout, a 401, leaving the workspace): the guard then sends
 * the person to sign-in, where `notice` says why, and drops the workspace's cached data.
 */
export function endSession(queryClient: QueryClient, notice?: SignOutNotice): void {
  if (notice) queryClient.setQueryData(SIGN_OUT_NOTICE_KEY, notice);
  queryClient.setQueryData(SESSION_QUERY_KEY, null);
}

/** The notice left by `endSession`, for the guard to hand to the sign-in page. */
export function signOutNotice(queryClient: QueryClient): SignOutNotice {
  return queryClient.getQueryData<SignOutNotice>(SIGN_OUT_NOTICE_KEY) ?? {};
}

/**
 * Drops everything the signed-out person could see, and the handed-over notice. The guard calls
 * it once the signed-in pages are gone: removing their queries while they are still mounted
 * would render them once more without a session.
 */
export function forgetSignedOutData(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
}
