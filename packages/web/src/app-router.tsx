import { createBrowserRouter, Navigate } from 'react-router';
import { APP_AREAS } from './app-areas';
import { LoginPage } from './auth/login-page';
import { RequireSession } from './auth/require-session';
import { AppLayout } from './shell/app-layout';
import { NotFoundPage } from './shell/not-found-page';

export const appRouter = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <Navigate to="/people" replace /> },
          ...APP_AREAS.flatMap(({ path, Page, DetailPage }) => [
            { path, element: <Page /> },
            ...(DetailPage ? [{ path: `${path}/:id`, element: <DetailPage /> }] : []),
          ]),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
