import { Anchor, EmptyState } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <EmptyState title="Page not found" description="There is nothing at this address.">
      <EmptyState.Actions>
        <Anchor component={Link} to="/">
          Go to the start page
        </Anchor>
      </EmptyState.Actions>
    </EmptyState>
  );
}
