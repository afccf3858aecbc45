import { Anchor, Badge, Button, Card, Group, Stack, Table, Text } from '@mantine/core';
import type { Destination, Subscription } from '@tandem/contract';
import { Link } from 'react-router';
import { formatDate } from '../shared/format-date';
import { EnabledBadge } from './delivery-status';
import { destinationTypeLabel } from './destination-types';

export function DestinationsTable({
  destinations,
  canWrite,
}: {
  destinations: readonly Destination[];
  canWrite: boolean;
}) {
  if (destinations.length === 0) {
    return (
      <Card withBorder padding="xl">
        <Stack align="center" gap="xs">
          <Text fw={600}>No destinations yet</Text>
          <Text c="dimmed" ta="center" maw={520}>
            Connect a webhook, a message bus, a warehouse or an audience file, then choose the events and
            audiences it receives.
          </Text>
          {canWrite && (
            <Button component={Link} to="/destinations/new" mt="xs">
              New destination
            </Button>
          )}
        </Stack>
      </Card>
    );
  }
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table aria-label="Destinations" striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Receives</Table.Th>
            <Table.Th>Deliveries</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {destinations.map((destination) => (
            <Table.Tr key={destination.id}>
              <Table.Td>
                <Anchor component={Link} to={destinationPath(destination.id)} fw={500}>
                  {destination.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Badge variant="outline" color="gray" style={NO_SHRINK}>
                  {destinationTypeLabel(destination.type)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <EnabledBadge enabled={destination.enabled} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{subscriptionsSummary(destination.subscriptions)}</Text>
              </Table.Td>
              <Table.Td>
                <DeliveryCounts destination={destination} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(destination.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

// Table cells shrink to their content's minimum beside a long name: keep badges and counts whole.
const NO_SHRINK = { minWidth: 'max-content' } as const;
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

function DeliveryCounts({ destination }: { destination: Destination }) {
  const { delivered, pending, failed, dead } = destination.deliveries;
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" c="teal" title="Delivered" style={NO_WRAP}>
        {delivered.toLocaleString()} delivered
      </Text>
      {pending + failed > 0 && (
        <Text size="sm" c="orange" title="Pending or retrying" style={NO_WRAP}>
          · {(pending + failed).toLocaleString()} in flight
        </Text>
      )}
      {dead > 0 && (
        <Text size="sm" c="red" fw={600} title="Dead letters" style={NO_WRAP}>
          · {dead.toLocaleString()} dead
        </Text>
      )}
    </Group>
  );
}

/** "2 events, 1 audience" — what the destination is subscribed to, in a few words. */
export function subscriptionsSummary(subscriptions: readonly Subscription[]): string {
  if (subscriptions.length === 0) return 'Nothing yet';
  const counts = { event: 0, audience: 0, trait: 0 };
  for (const subscription of subscriptions) counts[subscription.kind] += 1;
  const parts = [
    counts.event && `${counts.event} event ${counts.event === 1 ? 'filter' : 'filters'}`,
    counts.audience && `${counts.audience} ${counts.audience === 1 ? 'audience' : 'audiences'}`,
    counts.trait && `${counts.trait === 1 ? 'trait changes' : `${counts.trait} trait subscriptions`}`,
  ].filter(Boolean);
  return parts.join(', ');
}

export const destinationPath = (destinationId: string) =>
  `/destinations/${encodeURIComponent(destinationId)}`;
