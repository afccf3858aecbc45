import { BarChart } from '@mantine/charts';
import { Stack, Table } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, reportKey } from '../deals/deals-api';
import { ChartCard } from '../shared/chart-card';
import { QueryState } from '../shared/query-state';

const percent = (value: number | null) => (value === null ? 'no data' : `${value} %`);

/** Each stage's configured probability beside the one this workspace's history shows, and conversion. */
export function StagesSection({ pipelineId }: { pipelineId: string }) {
  const session = useCurrentSession();
  const report = useQuery({
    queryKey: reportKey(session.workspace.id, 'stages', pipelineId),
    queryFn: () => dealsApi.stages(pipelineId),
  });
  const rows = (report.data?.stages ?? []).map((stage) => ({
    stage: stage.name,
    configured: stage.configuredProbability,
    learned: stage.learnedProbability,
    conversion: stage.conversionToNext,
    entered: stage.entered,
    closed: stage.closed,
    won: stage.won,
  }));
  return (
    <QueryState isPending={report.isPending} error={report.error} refetch={report.refetch}>
      {report.data && (
        <ChartCard
          title="Stage probabilities and conversion"
          description="Learned probability: of the closed deals that passed through a stage, the share won. Conversion: of the deals that entered a stage, the share that reached a later one or were won."
          filename="stage-probabilities"
          rows={rows}
          below={
            <Stack gap="sm">
              <Table aria-label="Stage probabilities" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Stage</Table.Th>
                    <Table.Th ta="right">Configured</Table.Th>
                    <Table.Th ta="right">Learned</Table.Th>
                    <Table.Th ta="right">Conversion</Table.Th>
                    <Table.Th ta="right">Entered</Table.Th>
                    <Table.Th ta="right">Closed (won)</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row) => (
                    <Table.Tr key={row.stage}>
                      <Table.Td>{row.stage}</Table.Td>
                      <Table.Td ta="right">{percent(row.configured)}</Table.Td>
                      <Table.Td ta="right">{percent(row.learned)}</Table.Td>
                      <Table.Td ta="right">{percent(row.conversion)}</Table.Td>
                      <Table.Td ta="right">{row.entered}</Table.Td>
                      <Table.Td ta="right">
                        {row.closed} ({row.won})
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          }
        >
          <BarChart
            h={260}
            data={rows}
            dataKey="stage"
            withLegend
            unit=" %"
            yAxisProps={{ domain: [0, 100] }}
            series={[
              { name: 'configured', label: 'Configured probability', color: 'gray.5' },
              { name: 'learned', label: 'Learned probability', color: 'blue.6' },
              { name: 'conversion', label: 'Conversion to a later stage', color: 'teal.6' },
            ]}
          />
        </ChartCard>
      )}
    </QueryState>
  );
}
