import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { type PredictionsOverview, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { LeadScoreModelSection } from './lead-score-model-section';
import { ModelFits } from './model-fits';
import { PredictionDistributions } from './prediction-distributions';
import { PredictionSettingsForm } from './prediction-settings-form';
import { predictionsApi, predictionsQueryKey } from './predictions-api';

/** `/predictions`: purchase, spend, churn, RFM and lead score models of the workspace, and their settings. */
export function PredictionsPage() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const canWrite = roleAllows(session.role, 'insights:write');
  const overview = useQuery({
    queryKey: [...predictionsQueryKey(session.workspace.id), 'overview'],
    queryFn: predictionsApi.overview,
    // While a refresh runs, look again every two seconds.
    refetchInterval: (query) => (query.state.data?.lastRun?.status === 'running' ? 2000 : false),
  });
  const refresh = useMutation({
    mutationFn: predictionsApi.refresh,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: predictionsQueryKey(session.workspace.id) }),
  });
  const data = overview.data;
  return (
    <Stack gap="lg" maw={1200}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Predictions</Title>
          <Text c="dimmed" size="sm" maw={780}>
            Who is likely to buy again, how much they are worth and who is slipping away — fitted on your own
            orders and kept on each person as <code>predicted_*</code> traits you can use in audiences.
          </Text>
        </div>
        {canWrite ? (
          <Button
            onClick={() => refresh.mutate()}
            loading={refresh.isPending || data?.lastRun?.status === 'running'}
          >
            Refresh now
          </Button>
        ) : null}
      </Group>
      {refresh.error ? (
        <Alert color="red" role="alert">
          {errorMessage(refresh.error)}
        </Alert>
      ) : null}
      <QueryState isPending={overview.isPending} error={overview.error} refetch={overview.refetch}>
        {data ? (
          <>
            <PredictionSettingsForm saved={data.settings} canWrite={canWrite} />
            <LastRun overview={data} />
            {data.orders === 0 ? (
              <Paper
                withBorder
                p="lg"
                role="status"
                aria-label={data.lastRun ? 'No orders yet' : 'No predictions yet'}
              >
                <Title order={4}>{data.lastRun ? 'No orders yet' : 'No predictions yet'}</Title>
                <Text size="sm" c="dimmed" maw={700}>
                  Predictions learn from purchases. Send a <b>{data.settings.orderEvent}</b> track event for
                  each order (with its amount in <b>{data.settings.valueProperty ?? 'a value property'}</b>),
                  or change the order event above to the one you use, then press Refresh now.
                </Text>
              </Paper>
            ) : (
              <>
                <ModelFits overview={data} />
                <PredictionDistributions overview={data} />
              </>
            )}
            <LeadScoreModelSection leadScore={data.leadScore} />
          </>
        ) : null}
      </QueryState>
    </Stack>
  );
}

function LastRun({ overview }: { overview: PredictionsOverview }) {
  const run = overview.lastRun;
  if (!run)
    return (
      <Text size="sm" c="dimmed">
        Not refreshed yet.
      </Text>
    );
  const color = run.status === 'done' ? 'green' : run.status === 'failed' ? 'red' : 'blue';
  return (
    <Group gap="xs">
      <Badge color={color} variant="light">
        {run.status}
      </Badge>
      <Text size="sm" c="dimmed">
        Last refresh ({run.trigger === 'schedule' ? 'scheduled' : 'by hand'}) {formatDate(run.startedAt)} ·{' '}
        {overview.orders.toLocaleString('en-US')} purchases
      </Text>
      {run.error ? (
        <Text size="sm" c="red">
          {run.error}
        </Text>
      ) : null}
    </Group>
  );
}
