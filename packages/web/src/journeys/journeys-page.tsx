import { Anchor, Button, EmptyState, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { JourneyStatusBadge } from './journey-status-badge';
import { type JourneyListItem, journeysApi, journeysQueryKey } from './journeys-api';

/** Every journey: status, live version, people in it now and ever. */
export function JourneysPage() {
  const { workspace } = useCurrentSession();
  const journeys = usePagedQuery([...journeysQueryKey(workspace.id), 'list'], (cursor) =>
    journeysApi.list(cursor),
  );
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Journeys</Title>
          <Text c="dimmed">
            Onboarding, nurturing, win-back: draw the path once and Tandem walks every person through it.
          </Text>
        </div>
        <Button component={Link} to="/journeys/new">
          New journey
        </Button>
      </Group>
      <QueryState isPending={journeys.isPending} error={journeys.error} refetch={journeys.refetch}>
        {journeys.items.length === 0 ? (
          <Paper withBorder radius="md" p="xl">
            <EmptyState
              title="No journeys yet"
              description="A journey starts when a person does something (signs up, abandons a cart, enters an audience) and then waits, branches, emails and updates their record, step by step."
            >
              <EmptyState.Actions>
                <Button component={Link} to="/journeys/new">
                  Draw your first journey
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          </Paper>
        ) : (
          <JourneysTable journeys={journeys.items} />
        )}
        <LoadMoreButton {...journeys} />
      </QueryState>
    </Stack>
  );
}

function JourneysTable({ journeys }: { journeys: readonly JourneyListItem[] }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Journeys" striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Version</Table.Th>
            <Table.Th ta="right">In progress</Table.Th>
            <Table.Th ta="right">Entered</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {journeys.map((journey) => (
            <Table.Tr key={journey.id}>
              <Table.Td>
                <Anchor component={Link} to={`/journeys/${encodeURIComponent(journey.id)}`} fw={500}>
                  {journey.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <JourneyStatusBadge journey={journey} />
              </Table.Td>
              <Table.Td ta="right">{journey.version > 0 ? `v${journey.version}` : '—'}</Table.Td>
              <Table.Td ta="right">{(journey.counts?.inProgress ?? 0).toLocaleString()}</Table.Td>
              <Table.Td ta="right">{(journey.counts?.entered ?? 0).toLocaleString()}</Table.Td>
              <Table.Td>{formatDate(journey.updatedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
