import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError, endsSession } from './api/api-client';
import { endSession } from './auth/end-session';
import { SESSION_QUERY_KEY } from './auth/use-session';

// A 401 anywhere means the session ended (expired, revoked, a password changed elsewhere);
// forgetting it lets the guard send the person to /login instead of each page handling it.
function onApiError(error: unknown): void {
  // Signed out already (a sign-in page's own calls), there is no session to end.
  if (!endsSession(error) || !queryClient.getQueryData(SESSION_QUERY_KEY)) return;
  endSession(queryClient, { notice: 'Your session has ended. Sign in again to continue.' });
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      // Client errors (4xx) will not fix themselves on retry; network and 5xx errors might.
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
      refetchOnWindowFocus: false,
    },
  },
});
