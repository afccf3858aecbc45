import { LineChart } from '@mantine/charts';
import { useQueries } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { dealsApi, reportKey } from '../deals/deals-api';
import { ChartCard } from '../shared/chart-card';
import { EmptyReport } from '../shared/empty-report';
import { QueryState } from '../shared/query-state';

const MONTHS = 6;

/** The last `count` calendar months (UTC) up to this one, each with its first and last day. */
export function lastMonths(now: Date, count: number): { month: string; since: string; until: string }[] {
  return Array.from({ length: count }, (_, index) => {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - index), 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    return {
      month: start.toISOString().slice(0, 7),
      since: start.toISOString().slice(0, 10),
      until: end.toISOString().slice(0, 10),
    };
  });
}

/** Win rate by close month: one sales report per month (won of won and lost). */
export function WinRateSection({ pipelineId }: { pipelineId: string }) {
  const session = useCurrentSession();
  const months = lastMonths(new Date(), MONTHS);
  const reports = useQueries({
    queries: months.map(({ since, until }) => ({
      queryKey: reportKey(session.workspace.id, 'sales', pipelineId, since, until),
      queryFn: () => dealsApi.sales(pipelineId, since, until),
    })),
  });
  const pending = reports.some((r) => r.isPending);
  const failed = reports.find((r) => r.error);
  const rows = months.map(({ month }, index) => {
    const overall = reports[index]?.data?.overall;
    return { month, won: overall?.won ?? 0, lost: overall?.lost ?? 0, winRate: overall?.winRate ?? null };
  });
  return (
    <QueryState
      isPending={pending}
      error={failed?.error ?? null}
      refetch={() => Promise.all(reports.map((r) => r.refetch()))}
    >
      <ChartCard
        title="Win rate over time"
        description={`Of the deals closed each month (by close date), the share won — the last ${MONTHS} months`}
        filename="win-rate-by-month"
        rows={rows}
        empty={
          rows.every((r) => r.won + r.lost === 0) && (
            <EmptyReport
              text="No deal closed in these months: mark deals won or lost to see the win rate."
              to="/deals"
              action="Go to deals"
            />
          )
        }
      >
        <LineChart
          h={240}
          data={rows}
          dataKey="month"
          unit=" %"
          connectNulls
          yAxisProps={{ domain: [0, 100] }}
          series={[{ name: 'winRate', label: 'Win rate', color: 'green.6' }]}
        />
      </ChartCard>
    </QueryState>
  );
}
