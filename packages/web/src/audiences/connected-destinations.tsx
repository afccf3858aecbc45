import { Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError, apiClient, type Page } from '../api/api-client';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';

/** What this page reads of a destination (see the Destinations API). */
type DestinationSummary = {
  id: string;
  name: string;
  type: string;
  enabled?: boolean;
  subscriptions: { kind: string; audienceId?: string; on?: string[] }[];
};

/** The destinations subscribed to this audience's entries and exits. */
export function ConnectedDestinations({ audienceId }: { audienceId: string }) {
  const { workspace } = useCurrentSession();
  const destinations = useQuery({
    queryKey: ['destinations', workspace.id, 'list', 'all'],
    queryFn: () => apiClient.get<Page<DestinationSummary>>('/api/v1/destinations?limit=1000'),
    retry: false,
  });
  if (destinations.isPending) return <Text c="dimmed">Loading destinations…</Text>;
  const connected = (destinations.data?.data ?? []).flatMap((destination) => {
    const subscription = destination.subscriptions.find(
      (s) => s.kind === 'audience' && s.audienceId === audienceId,
    );
    return subscription ? [{ destination, on: subscription.on ?? ['entered', 'exited'] }] : [];
  });
  // A server without the Destinations API (404) simply has none connected.
  const notListed =
    destinations.error && !(destinations.error instanceof ApiError && destinations.error.status === 404);
  if (notListed) {
    return (
      <Text c="dimmed" py="md">
        Destinations could not be listed: {errorMessage(destinations.error)}
      </Text>
    );
  }
  if (connected.length === 0) {
    return (
      <Stack gap="xs" py="md" align="flex-start">
        <Text c="dimmed">
          No destination receives this audience yet. Connect one to send people as they enter or leave it.
        </Text>
        <Button component={Link} to="/destinations" variant="light" size="sm">
          Go to destinations
        </Button>
      </Stack>
    );
  }
  return (
    <Table aria-label="Connected destinations" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Destination</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th>Sends when people</Table.Th>
          <Table.Th>Status</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {connected.map(({ destination, on }) => (
          <Table.Tr key={destination.id}>
            <Table.Td>
              <Anchor component={Link} to={`/destinations/${encodeURIComponent(destination.id)}`} fw={500}>
                {destination.name}
              </Anchor>
            </Table.Td>
            <Table.Td>{destination.type}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {on.map((transition) => (
                  <Badge
                    key={transition}
                    variant="light"
                    color={transition === 'entered' ? 'teal' : 'orange'}
                  >
                    {transition === 'entered' ? 'enter' : 'leave'}
                  </Badge>
                ))}
              </Group>
            </Table.Td>
            <Table.Td>
              {destination.enabled === false ? (
                <Badge color="gray">Paused</Badge>
              ) : (
                <Badge color="green">Active</Badge>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
