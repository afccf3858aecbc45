import { Alert, Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import type { RetentionRun } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { formatPreciseDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { retentionApi, retentionQueryKey } from './retention-api';

/** What a run removed, in a line: "12 Page Viewed events, 3 CRM activities". */
export function removedSummary(run: RetentionRun): string {
  const parts = [
    ...Object.entries(run.removed.events)
      .filter(([, count]) => count > 0)
      .map(([event, count]) => `${count} × ${event}`),
    ...(run.removed.crmActivities ? [`${run.removed.crmActivities} CRM activities`] : []),
    ...(run.removed.closedTickets ? [`${run.removed.closedTickets} closed tickets`] : []),
    ...(run.removed.auditEntries ? [`${run.removed.auditEntries} audit entries`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'Nothing to remove';
}

const STATUS_COLORS = { running: 'blue', done: 'green', failed: 'red' } as const;

/** The last runs (hourly, or "run now") and what each removed; followed while one runs. */
export function RetentionRuns() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const key = [...retentionQueryKey(session.workspace.id), 'runs'];
  const runs = useQuery({
    queryKey: key,
    queryFn: retentionApi.runs,
    refetchInterval: (query) =>
      query.state.data?.data.some((run) => run.status === 'running') ? 1000 : false,
  });
  const runNow = useMutation({
    mutationFn: retentionApi.runNow,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Retention runs">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={4}>Runs</Title>
          <Text size="sm" c="dimmed">
            Retention runs every hour; run it now after changing a policy.
          </Text>
        </div>
        <Button onClick={() => runNow.mutate()} loading={runNow.isPending}>
          Run now
        </Button>
      </Group>
      {runNow.error ? (
        <Alert color="red" role="alert" mb="sm">
          {errorMessage(runNow.error)}
        </Alert>
      ) : null}
      <QueryState isPending={runs.isPending} error={runs.error} refetch={runs.refetch}>
        {runs.data?.data.length === 0 ? (
          <Text c="dimmed">No run yet.</Text>
        ) : (
          <Table aria-label="Retention runs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Started</Table.Th>
                <Table.Th>Trigger</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Removed</Table.Th>
                <Table.Th>Finished</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data?.data.map((run) => (
                <Table.Tr key={run.id}>
                  <Table.Td>{formatPreciseDate(run.startedAt)}</Table.Td>
                  <Table.Td>{run.trigger === 'manual' ? 'Run now' : 'Hourly'}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={STATUS_COLORS[run.status]}>
                      {run.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{run.error ?? removedSummary(run)}</Table.Td>
                  <Table.Td>{formatPreciseDate(run.finishedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Paper>
  );
}
