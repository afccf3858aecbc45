import {
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { dashboardsApi, dashboardsQueryKey } from './dashboards-api';

/** The workspace's dashboards, and a form to start one. */
export function DashboardsPage() {
  const { workspace, role } = useCurrentSession();
  const canWrite = roleAllows(role, 'insights:write');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const dashboards = useQuery({
    queryKey: [...dashboardsQueryKey(workspace.id), 'list'],
    queryFn: dashboardsApi.list,
  });
  const create = useMutation({
    mutationFn: () => dashboardsApi.create({ name }),
    onSuccess: async (dashboard) => {
      await queryClient.invalidateQueries({ queryKey: dashboardsQueryKey(workspace.id) });
      navigate(`/dashboards/${encodeURIComponent(dashboard.id)}`);
    },
  });
  const items = dashboards.data?.data ?? [];
  return (
    <Stack>
      <div>
        <Title order={2}>Dashboards</Title>
        <Text c="dimmed">Saved insights side by side, arranged the way your team reads them.</Text>
      </div>
      {canWrite ? (
        <Group align="flex-end">
          <TextInput
            label="New dashboard"
            placeholder="e.g. Growth"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={create.error ? errorMessage(create.error) : undefined}
            w={260}
          />
          <Button onClick={() => create.mutate()} loading={create.isPending} disabled={name.trim() === ''}>
            Create dashboard
          </Button>
        </Group>
      ) : null}
      <QueryState isPending={dashboards.isPending} error={dashboards.error} refetch={dashboards.refetch}>
        {items.length === 0 ? (
          <Paper withBorder radius="md" p="xl">
            <EmptyState
              title="No dashboards yet"
              description="Name a dashboard above, then add saved insights to it. No insights saved yet? Build one first in Insights."
            >
              <EmptyState.Actions>
                <Button component={Link} to="/insights" variant="default">
                  Go to Insights
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          </Paper>
        ) : (
          <Table aria-label="Dashboards" striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Tiles</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((dashboard) => (
                <Table.Tr key={dashboard.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/dashboards/${encodeURIComponent(dashboard.id)}`} fw={500}>
                      {dashboard.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">{dashboard.tileCount}</Badge>
                  </Table.Td>
                  <Table.Td>{formatDate(dashboard.updatedAt)}</Table.Td>
                  <Table.Td ta="right">
                    {canWrite ? (
                      <ConfirmedMutationButton
                        label="Delete"
                        ariaLabel={`Delete ${dashboard.name}`}
                        question={`Delete the dashboard “${dashboard.name}”? Its saved insights stay.`}
                        confirmLabel="Delete dashboard"
                        run={() => dashboardsApi.remove(dashboard.id)}
                        invalidates={dashboardsQueryKey(workspace.id)}
                      />
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}
