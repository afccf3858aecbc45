import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, reportKey } from '../deals/deals-api';
import { formatAmount } from '../deals/format-money';
import { QueryState } from '../shared/query-state';
import { ReportSection } from './report-section';
import { StackedBars } from './stacked-bars';

/** Open deals by stage: amount, and the part of it weighted by the stage's probability. */
export function PipelineSection({ pipelineId }: { pipelineId: string }) {
  const session = useCurrentSession();
  const report = useQuery({
    queryKey: reportKey(session.workspace.id, 'pipeline', pipelineId),
    queryFn: () => dealsApi.pipelineReport(pipelineId),
  });
  const totals = report.data?.totals;
  return (
    <ReportSection
      title="Pipeline by stage"
      description={
        totals
          ? `${totals.count} open deals · ${formatAmount(totals.amount)} total · ${formatAmount(totals.weightedAmount)} weighted by stage probability`
          : 'Open deals by stage'
      }
    >
      <QueryState isPending={report.isPending} error={report.error} refetch={report.refetch}>
        {report.data && (
          <StackedBars
            title="Open amount by stage, weighted and not"
            segments={[
              { key: 'weighted', label: 'Weighted', color: 'var(--mantine-color-blue-6)' },
              { key: 'rest', label: 'Rest of the amount', color: 'var(--mantine-color-blue-2)' },
            ]}
            rows={report.data.stages.map((stage) => ({
              label: stage.name,
              values: { weighted: stage.weightedAmount, rest: stage.amount - stage.weightedAmount },
              note: `${formatAmount(stage.amount)} (${stage.count})`,
            }))}
            format={formatAmount}
          />
        )}
      </QueryState>
    </ReportSection>
  );
}
