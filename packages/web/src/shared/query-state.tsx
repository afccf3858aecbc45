import { Alert, Button, Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/error-message';

type QueryStateProps = {
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
  children?: ReactNode;
};

/** Loading and failure states shared by every list, so each page only renders its data. */
export function QueryState({ isPending, error, refetch, children }: QueryStateProps) {
  if (isPending) {
    return (
      <Center p="lg">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (error) {
    return (
      <Alert color="red" title="Could not load" role="alert">
        {errorMessage(error)}
        <Button variant="subtle" size="xs" ml="sm" onClick={() => refetch()}>
          Retry
        </Button>
      </Alert>
    );
  }
  return children ?? null;
}
