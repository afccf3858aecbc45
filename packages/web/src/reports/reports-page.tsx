import { Group, Select, Stack, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { usePipelines } from '../deals/deal-queries';
import { QueryState } from '../shared/query-state';
import { ForecastSection } from './forecast-section';
import { PipelineSection } from './pipeline-section';
import { SalesSection } from './sales-section';
import { StagesSection } from './stages-section';

/** `/reports`: a pipeline's numbers — by stage, forecast, outcomes, what its history says of its stages. */
export function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const list = pipelines.data?.data ?? [];
  const pipeline = list.find((p) => p.id === params.get('pipeline')) ?? list[0];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={2}>Reports</Title>
          <Text size="sm" c="dimmed">
            Amounts are summed as entered, whatever their currency.
          </Text>
        </Stack>
        <Select
          label="Pipeline"
          allowDeselect={false}
          data={list.map((p) => ({ value: p.id, label: p.name }))}
          value={pipeline?.id ?? null}
          onChange={(value) => value && setParams({ pipeline: value })}
          w={260}
        />
      </Group>
      <QueryState isPending={pipelines.isPending} error={pipelines.error} refetch={pipelines.refetch}>
        {pipeline && (
          <Stack gap="xl">
            <PipelineSection pipelineId={pipeline.id} />
            <ForecastSection pipelineId={pipeline.id} />
            <SalesSection pipelineId={pipeline.id} />
            <StagesSection pipelineId={pipeline.id} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
