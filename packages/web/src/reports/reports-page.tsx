import { Group, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { usePipelines } from '../deals/deal-queries';
import { QueryState } from '../shared/query-state';
import { DeskReports } from './desk-reports';
import { ForecastSection } from './forecast-section';
import { PipelineSection } from './pipeline-section';
import { SalesSection } from './sales-section';
import { StagesSection } from './stages-section';
import { WinRateSection } from './win-rate-section';

/** `/reports`: a pipeline's numbers — by stage, forecast, outcomes, what its history says of its stages. */
export function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const list = pipelines.data?.data ?? [];
  const pipeline = list.find((p) => p.id === params.get('pipeline')) ?? list[0];
  const tab = params.get('tab') === 'support' ? 'support' : 'sales';
  return (
    <Stack>
      <Stack gap={4}>
        <Title order={2}>Reports</Title>
        <Text size="sm" c="dimmed">
          Every chart exports its rows as CSV and its picture as PNG. Amounts are summed as entered, whatever
          their currency.
        </Text>
      </Stack>
      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(value === 'support' ? { tab: 'support' } : pipeline ? { pipeline: pipeline.id } : {})
        }
      >
        <Tabs.List>
          <Tabs.Tab value="sales">Sales</Tabs.Tab>
          <Tabs.Tab value="support">Support</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {tab === 'support' ? (
        <DeskReports />
      ) : (
        <QueryState isPending={pipelines.isPending} error={pipelines.error} refetch={pipelines.refetch}>
          <Group justify="flex-end">
            <Select
              label="Pipeline"
              allowDeselect={false}
              data={list.map((p) => ({ value: p.id, label: p.name }))}
              value={pipeline?.id ?? null}
              onChange={(value) => value && setParams({ pipeline: value })}
              w={260}
            />
          </Group>
          {pipeline && (
            <Stack gap="xl">
              <PipelineSection pipelineId={pipeline.id} />
              <ForecastSection pipelineId={pipeline.id} />
              <WinRateSection pipelineId={pipeline.id} />
              <SalesSection pipelineId={pipeline.id} />
              <StagesSection pipelineId={pipeline.id} />
            </Stack>
          )}
        </QueryState>
      )}
    </Stack>
  );
}
