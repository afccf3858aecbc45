import { Alert, Button } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';

/**
 * A page that failed to load or render. The usual cause is a new release: the page's chunk of
 * the previous build is gone, and reloading fetches the current one.
 */
export function PageLoadError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? error.statusText
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <Alert color="red" title="This page could not be loaded" role="alert">
      {detail}. Reloading usually fixes it (a new version of Tandem may have been installed).
      <Button variant="subtle" size="xs" ml="sm" onClick={() => window.location.reload()}>
        Reload
      </Button>
    </Alert>
  );
}
