import { Center, Loader } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { QueryState } from '../shared/query-state';
import { forgetSignedOutData, signOutNotice } from './end-session';
import type { SignInState } from './sign-in-state';
import { useSession } from './use-session';

/** Route guard: renders the signed-in app, or sends the visitor to /login and back afterwards. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const signedOut = session.data === null;
  useEffect(() => {
    if (signedOut) forgetSignedOutData(queryClient);
  }, [signedOut, queryClient]);

  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading session" />
      </Center>
    );
  }
  if (session.error) {
    return <QueryState isPending={false} error={session.error} refetch={session.refetch} />;
  }
  if (!session.data) {
    const state: SignInState = { from: location.pathname + location.search, ...signOutNotice(queryClient) };
    return <Navigate to="/login" replace state={state} />;
  }
  return <Outlet />;
}
