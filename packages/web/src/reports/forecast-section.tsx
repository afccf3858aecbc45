import { BarChart } from '@mantine/charts';
import { Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, reportKey } from '../deals/deals-api';
import { formatAmount } from '../deals/format-money';
import { ChartCard } from '../shared/chart-card';
import { EmptyReport } from '../shared/empty-report';
import { QueryState } from '../shared/query-state';

const SEGMENTS = [
  { key: 'won', label: 'Won', color: 'green.6' },
  { key: 'commit', label: 'Commit (≥ 70 %)', color: 'blue.6' },
  { key: 'bestCase', label: 'Best case (40–69 %)', color: 'blue.3' },
  { key: 'pipeline', label: 'Pipeline (< 40 %)', color: 'gray.4' },
];

/** The next six months by close date: won, and open deals by the category of their stage. */
export function ForecastSection({ pipelineId }: { pipelineId: string }) {
  const session = useCurrentSession();
  const forecast = useQuery({
    queryKey: reportKey(session.workspace.id, 'forecast', pipelineId),
    queryFn: () => dealsApi.forecast(pipelineId, null, 6),
  });
  const data = forecast.data;
  return (
    <QueryState isPending={forecast.isPending} error={forecast.error} refetch={forecast.refetch}>
      {data && (
        <ChartCard
          title="Forecast by close month"
          description="Won deals, and open deals by their stage’s probability: commit 70 % or more, best case 40 to 69 %, pipeline below. Weighted counts open amounts times their probability."
          empty={
            data.months.every((m) => m.won + m.commit + m.bestCase + m.pipeline === 0) && (
              <EmptyReport
                text={`No open or won deal closes in these months${data.undated.count > 0 ? ` (${data.undated.count} open deals have no close date)` : ''}: set close dates on deals.`}
                to="/deals"
                action="Go to deals"
              />
            )
          }
          filename="forecast-by-month"
          rows={data.months.map(({ month, won, commit, bestCase, pipeline, weighted }) => ({
            month,
            won,
            commit,
            bestCase,
            pipeline,
            weighted,
          }))}
          below={
            <Stack gap="sm">
              <Table aria-label="Forecast" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Month</Table.Th>
                    {SEGMENTS.map((s) => (
                      <Table.Th key={s.key} ta="right">
                        {s.label}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">Weighted</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.months.map((m) => (
                    <Table.Tr key={m.month}>
                      <Table.Td>{m.month}</Table.Td>
                      <Table.Td ta="right">{formatAmount(m.won)}</Table.Td>
                      <Table.Td ta="right">{formatAmount(m.commit)}</Table.Td>
                      <Table.Td ta="right">{formatAmount(m.bestCase)}</Table.Td>
                      <Table.Td ta="right">{formatAmount(m.pipeline)}</Table.Td>
                      <Table.Td ta="right">{formatAmount(m.weighted)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {(data.overdue.count > 0 || data.undated.count > 0) && (
                <Text size="sm" c="dimmed">
                  Not in any month: {data.overdue.count} open deals past their close date (
                  {formatAmount(data.overdue.amount)}), {data.undated.count} without one (
                  {formatAmount(data.undated.amount)}).
                </Text>
              )}
            </Stack>
          }
        >
          <BarChart
            h={260}
            data={data.months}
            dataKey="month"
            type="stacked"
            withLegend
            valueFormatter={formatAmount}
            series={SEGMENTS.map(({ key, label, color }) => ({ name: key, label, color }))}
          />
        </ChartCard>
      )}
    </QueryState>
  );
}
