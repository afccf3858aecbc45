import { Center, Loader } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { QueryState } from '../shared/query-state';
import { useSession } from './use-session';

/** Route guard: renders the signed-in app, or sends the visitor to /login and back afterwards. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();

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
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Outlet />;
}
