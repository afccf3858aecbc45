import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { destinationsApi, destinationsQueryKey } from './destinations-api';
import { DestinationsTable } from './destinations-table';

/** `/destinations`: where Tandem sends events, audience changes and trait changes. */
export function DestinationsPage() {
  const session = useCurrentSession();
  const destinations = usePagedQuery(destinationsQueryKey(session.workspace.id), destinationsApi.list);
  const canWrite = roleAllows(session.role, 'destinations:write');

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Destinations</Title>
          <Text c="dimmed" maw={720}>
            The tools Tandem sends your events, audience changes and computed-trait changes to, within
            moments. Deliveries are retried until they arrive; the ones that cannot are kept for replay.
          </Text>
        </div>
        {canWrite && (
          <Button component={Link} to="/destinations/new">
            New destination
          </Button>
        )}
      </Group>
      <QueryState
        isPending={destinations.isPending}
        error={destinations.error}
        refetch={destinations.refetch}
      >
        <DestinationsTable destinations={destinations.items} canWrite={canWrite} />
        <LoadMoreButton {...destinations} />
      </QueryState>
    </Stack>
  );
}
