import { Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, reportKey } from '../deals/deals-api';
import { formatAmount } from '../deals/format-money';
import { QueryState } from '../shared/query-state';
import { ReportSection } from './report-section';
import { StackedBars } from './stacked-bars';

const SEGMENTS = [
  { key: 'won', label: 'Won', color: 'var(--mantine-color-green-6)' },
  { key: 'commit', label: 'Commit (≥ 70 %)', color: 'var(--mantine-color-blue-6)' },
  { key: 'bestCase', label: 'Best case (40–69 %)', color: 'var(--mantine-color-blue-3)' },
  { key: 'pipeline', label: 'Pipeline (< 40 %)', color: 'var(--mantine-color-gray-4)' },
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
    <ReportSection
      title="Forecast by close month"
      description="Won deals, and open deals by their stage’s probability: commit 70 % or more, best case 40 to 69 %, pipeline below. Weighted counts open amounts times their probability."
    >
      <QueryState isPending={forecast.isPending} error={forecast.error} refetch={forecast.refetch}>
        {data && (
          <>
            <StackedBars
              title="Forecast by close month"
              segments={SEGMENTS}
              rows={data.months.map(({ month, ...values }) => ({ label: month, values }))}
              format={formatAmount}
            />
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
          </>
        )}
      </QueryState>
    </ReportSection>
  );
}
