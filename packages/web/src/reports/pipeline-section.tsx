import { BarChart } from '@mantine/charts';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, reportKey } from '../deals/deals-api';
import { formatAmount } from '../deals/format-money';
import { ChartCard } from '../shared/chart-card';
import { EmptyReport } from '../shared/empty-report';
import { QueryState } from '../shared/query-state';

/** Open deals by stage: amount, and the part of it weighted by the stage's probability. */
export function PipelineSection({ pipelineId }: { pipelineId: string }) {
  const session = useCurrentSession();
  const report = useQuery({
    queryKey: reportKey(session.workspace.id, 'pipeline', pipelineId),
    queryFn: () => dealsApi.pipelineReport(pipelineId),
  });
  const data = report.data;
  const stages = (data?.stages ?? []).map((stage) => ({
    stage: stage.name,
    deals: stage.count,
    amount: stage.amount,
    weighted: stage.weightedAmount,
    rest: Math.round((stage.amount - stage.weightedAmount) * 100) / 100,
  }));
  return (
    <QueryState isPending={report.isPending} error={report.error} refetch={report.refetch}>
      {data && (
        <ChartCard
          title="Pipeline by stage"
          description={`${data.totals.count} open deals · ${formatAmount(data.totals.amount)} total · ${formatAmount(data.totals.weightedAmount)} weighted by stage probability`}
          filename="pipeline-by-stage"
          rows={stages.map(({ stage, deals, amount, weighted }) => ({ stage, deals, amount, weighted }))}
          empty={
            data.totals.count === 0 && (
              <EmptyReport text="No open deals in this pipeline." to="/deals" action="Add a deal" />
            )
          }
        >
          <BarChart
            h={260}
            data={stages}
            dataKey="stage"
            type="stacked"
            withLegend
            valueFormatter={formatAmount}
            series={[
              { name: 'weighted', label: 'Weighted', color: 'blue.6' },
              { name: 'rest', label: 'Rest of the amount', color: 'blue.2' },
            ]}
          />
        </ChartCard>
      )}
    </QueryState>
  );
}
