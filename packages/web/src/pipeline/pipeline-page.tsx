import { Alert, Badge, Stack, Table, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { pipelineApi, pipelineQueryKey } from './pipeline-api';
import {
  lagDuration,
  pipelineSummary,
  STAGE_DESCRIPTIONS,
  type StageState,
  stageState,
  waitingEvents,
} from './pipeline-stages';

const REFRESH_MS = 2000;
const STATE_COLORS: Record<StageState, string> = {
  'up to date': 'green',
  'catching up': 'blue',
  behind: 'orange',
};
const STATE_TITLES: Record<StageState, string> = {
  'up to date': 'Up to date',
  'catching up': 'Catching up',
  behind: 'Behind',
};

/** `/pipeline`: how far each stage of the pipeline is behind the workspace's events, live. */
export function PipelinePage() {
  const session = useCurrentSession();
  if (!roleAllows(session.role, 'sources:read')) {
    return (
      <Alert color="gray" title="Pipeline" maw={640}>
        The pipeline's status takes the sources:read permission.
      </Alert>
    );
  }
  return <Pipeline />;
}

function Pipeline() {
  const session = useCurrentSession();
  const status = useQuery({
    queryKey: pipelineQueryKey(session.workspace.id),
    queryFn: pipelineApi.status,
    refetchInterval: REFRESH_MS,
  });
  const stages = status.data?.stages ?? [];
  const summary = pipelineSummary(stages);
  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={2}>Pipeline</Title>
        <Text c="dimmed" size="sm" maw={780}>
          Every event this workspace collects passes through these stages, in this order, within moments of
          arriving. Each stage shows the events it has not processed yet. Refreshes every 2 seconds.
        </Text>
      </div>
      <QueryState isPending={status.isPending} error={status.error} refetch={status.refetch}>
        <Alert color={STATE_COLORS[summary.state]} title={STATE_TITLES[summary.state]} role="status">
          {summary.text}
        </Alert>
        <Table aria-label="Pipeline stages" striped verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Stage</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th ta="right">Waiting</Table.Th>
              <Table.Th ta="right">Oldest waiting</Table.Th>
              <Table.Th ta="right">Checkpoint</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {stages.map((stage) => {
              const state = stageState(stage);
              const described = STAGE_DESCRIPTIONS[stage.stage];
              return (
                <Table.Tr key={stage.stage}>
                  <Table.Td>
                    <Text fw={500}>{described?.label ?? stage.stage}</Text>
                    <Text size="xs" c="dimmed">
                      {described?.keeps ?? ''} <code>{stage.stage}</code>
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATE_COLORS[state]} variant="light">
                      {STATE_TITLES[state]}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">
                    {stage.lagEvents === 0 ? '—' : waitingEvents(stage.lagEvents)}
                  </Table.Td>
                  <Table.Td ta="right">
                    {stage.lagEvents === 0 ? '—' : lagDuration(stage.lagSeconds)}
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" title="The log position up to which this stage has processed every event">
                      #{stage.checkpointSeq.toLocaleString('en-US')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Text c="dimmed" size="xs">
          Counts are this workspace's events only, at most 10,000 a stage. The whole log's lag, for every
          workspace, is in the <code>tandem_pipeline_lag_events</code> and{' '}
          <code>tandem_pipeline_lag_seconds</code> metrics at <code>/metrics</code>.
        </Text>
      </QueryState>
    </Stack>
  );
}
