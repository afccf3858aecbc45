import { createBrowserRouter, Navigate } from 'react-router';
import { APP_AREAS } from './app-areas';
import { AcceptInvitationPage } from './auth/accept-invitation-page';
import { ForgotPasswordPage } from './auth/forgot-password-page';
import { LoginPage } from './auth/login-page';
import { RequireSession } from './auth/require-session';
import { ResetPasswordPage } from './auth/reset-password-page';
import { CsatSurveyPage } from './satisfaction/csat-survey-page';
import { AppLayout } from './shell/app-layout';
import { NotFoundPage } from './shell/not-found-page';
import { PageLoadError } from './shell/page-load-error';

export const appRouter = createBrowserRouter([
  // Public pages: signing in and the pages emailed links open (their token rides in the fragment).
  { path: '/login', element: <LoginPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/accept-invitation', element: <AcceptInvitationPage /> },
  { path: '/csat/:token', element: <CsatSurveyPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppLayout />,
        errorElement: <PageLoadError />,
        children: [
          { index: true, element: <Navigate to="/home" replace /> },
          ...APP_AREAS.flatMap(({ path, Page, DetailPage, ItemPages = {} }) => [
            { path, element: <Page /> },
            ...(DetailPage ? [{ path: `${path}/:id`, element: <DetailPage /> }] : []),
            ...Object.entries(ItemPages).map(([subPath, ItemPage]) => ({
              path: `${path}/:id/${subPath}`,
              element: <ItemPage />,
            })),
          ]),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
