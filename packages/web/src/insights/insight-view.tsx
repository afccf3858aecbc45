import { Alert, Center, Loader, Text } from '@mantine/core';
import type { InsightChart, InsightQuery, InsightRange } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { AttributionChart } from './attribution-chart';
import { exportName } from './chart-frame';
import { FunnelChart } from './funnel-chart';
import { missingInput } from './insight-draft';
import { queryForRange } from './insight-range';
import { insightsApi } from './insights-api';
import { PathsChart } from './paths-chart';
import { RetentionChart } from './retention-chart';
import { TrendChart } from './trend-chart';

/** Runs an insight's query over its range and draws the result as its chart. */
export function InsightView(props: {
  name: string;
  query: InsightQuery;
  chart: InsightChart;
  range: InsightRange;
  height?: number;
  /** Whether a funnel's drop-offs open their people (the builder; not the dashboard tiles). */
  interactive?: boolean;
}) {
  const { workspace } = useCurrentSession();
  const missing = missingInput(props.query);
  // The range is resolved when the query runs, so the key stays the same minute to minute.
  const run = useQuery({
    queryKey: ['insights', workspace.id, 'run', props.query, props.range],
    queryFn: async () => {
      const query = queryForRange(props.query, props.range);
      return { query, answer: await insightsApi.run(query) };
    },
    enabled: missing === null,
    retry: false,
  });
  if (missing !== null) {
    return (
      <Center p="xl">
        <Text c="dimmed">{missing} to see the chart.</Text>
      </Center>
    );
  }
  if (run.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Running the insight" />
      </Center>
    );
  }
  if (run.error) {
    return (
      <Alert color="red" title="The insight could not run" role="alert">
        {errorMessage(run.error)}
      </Alert>
    );
  }
  const { query, answer } = run.data;
  const name = exportName(props.name);
  switch (answer.kind) {
    case 'trend':
      return <TrendChart result={answer.result} chart={props.chart} name={name} height={props.height} />;
    case 'funnel':
      return (
        <FunnelChart
          result={answer.result}
          chart={props.chart}
          name={name}
          height={props.height}
          query={props.interactive && query.kind === 'funnel' ? query : undefined}
        />
      );
    case 'paths':
      return <PathsChart result={answer.result} chart={props.chart} name={name} height={props.height} />;
    case 'retention':
      return <RetentionChart result={answer.result} name={name} />;
    case 'attribution':
      return (
        <AttributionChart result={answer.result} chart={props.chart} name={name} height={props.height} />
      );
    default: {
      const never: never = answer;
      return <Text>Unknown result {String(never)}</Text>;
    }
  }
}
