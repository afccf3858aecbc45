import { Anchor, Badge, Button, EmptyState, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { CHART_LABELS, KIND_LABELS } from './insight-draft';
import { RANGE_LABELS } from './insight-range';
import { savedInsightsApi, savedInsightsQueryKey } from './insights-api';

/** The workspace's saved insights, and the way to build a new one. */
export function InsightsPage() {
  const { workspace, role } = useCurrentSession();
  const canWrite = roleAllows(role, 'insights:write');
  const insights = useQuery({
    queryKey: [...savedInsightsQueryKey(workspace.id), 'list'],
    queryFn: savedInsightsApi.list,
  });
  const items = insights.data?.data ?? [];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Insights</Title>
          <Text c="dimmed">
            Trends, funnels, paths, retention and attribution over your tracked events, saved to share and to
            put on dashboards.
          </Text>
        </div>
        {canWrite ? (
          <Button component={Link} to="/insights/new">
            New insight
          </Button>
        ) : null}
      </Group>
      <QueryState isPending={insights.isPending} error={insights.error} refetch={insights.refetch}>
        {items.length === 0 ? (
          <Paper withBorder radius="md" p="xl">
            <EmptyState
              title="No saved insights yet"
              description="Start with a funnel: pick the events people go through, such as Page Viewed then Signed Up, and see where they drop out. Events must be tracked first (Data → Sources)."
            >
              <EmptyState.Actions>
                {canWrite ? (
                  <Button component={Link} to="/insights/new">
                    Build your first insight
                  </Button>
                ) : null}
              </EmptyState.Actions>
            </EmptyState>
          </Paper>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label="Saved insights" striped highlightOnHover verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Range</Table.Th>
                  <Table.Th>Updated</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((insight) => (
                  <Table.Tr key={insight.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/insights/${encodeURIComponent(insight.id)}`} fw={500}>
                        {insight.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light">{KIND_LABELS[insight.query.kind]}</Badge>{' '}
                      <Text span size="sm" c="dimmed">
                        {CHART_LABELS[insight.chart]}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {insight.query.kind === 'retention' ? '—' : RANGE_LABELS[insight.range]}
                    </Table.Td>
                    <Table.Td>{formatDate(insight.updatedAt)}</Table.Td>
                    <Table.Td ta="right">
                      {canWrite ? (
                        <ConfirmedMutationButton
                          label="Delete"
                          ariaLabel={`Delete ${insight.name}`}
                          question={`Delete the insight “${insight.name}”? Its tiles leave every dashboard.`}
                          confirmLabel="Delete insight"
                          run={() => savedInsightsApi.remove(insight.id)}
                          invalidates={savedInsightsQueryKey(workspace.id)}
                        />
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Stack>
  );
}
