import { BarChart } from '@mantine/charts';
import { SimpleGrid } from '@mantine/core';
import type { Overview } from '@tandem/contract';
import { formatAmount } from '../deals/format-money';
import { ChartCard } from '../shared/chart-card';
import { EmptyReport } from '../shared/empty-report';
import { RankedBarChart } from './ranked-bar-chart';

const STATUS_LABELS = { new: 'New', open: 'Open', pending: 'Pending', on_hold: 'On hold' } as const;

/** The largest audiences, open deals by stage, unsolved tickets by status. */
export function CrmAndDeskCharts({ overview, unsolved }: { overview: Overview; unsolved: number }) {
  const { pipeline, tickets } = overview;
  const ticketRows = (Object.keys(STATUS_LABELS) as (keyof typeof STATUS_LABELS)[]).map((status) => ({
    status: STATUS_LABELS[status],
    tickets: tickets.unsolved[status],
  }));
  return (
    <SimpleGrid cols={{ base: 1, lg: 3 }}>
      <ChartCard
        title="Audiences"
        description="Members now, largest audiences first"
        filename="audience-sizes"
        rows={overview.audiences.map(({ name, members }) => ({ audience: name, members }))}
        empty={
          overview.audienceCount === 0 && (
            <EmptyReport
              text="No audiences yet: group people by traits and behaviour, kept current as events arrive."
              to="/audiences"
              action="Create an audience"
            />
          )
        }
      >
        <RankedBarChart
          data={overview.audiences}
          nameKey="name"
          series={{ name: 'members', label: 'Members', color: 'grape.6' }}
          labelWidth={110}
        />
      </ChartCard>
      <ChartCard
        title="Pipeline by stage"
        description={`${pipeline.name}: ${pipeline.openCount} open deals, ${formatAmount(pipeline.openAmount)}`}
        filename="pipeline-by-stage"
        rows={pipeline.stages.map(({ name, count, amount }) => ({ stage: name, deals: count, amount }))}
        empty={
          pipeline.openCount === 0 && (
            <EmptyReport text="No open deals yet." to="/deals" action="Add a deal to the pipeline" />
          )
        }
      >
        <BarChart
          h={220}
          data={pipeline.stages}
          dataKey="name"
          valueFormatter={formatAmount}
          series={[{ name: 'amount', label: 'Open amount', color: 'blue.6' }]}
        />
      </ChartCard>
      <ChartCard
        title="Unsolved tickets"
        description={`${unsolved} unsolved · ${tickets.slaAtRisk} with an SLA at risk or breached`}
        filename="unsolved-tickets"
        rows={ticketRows}
        empty={
          unsolved === 0 && (
            <EmptyReport
              text="No unsolved tickets. Tickets arrive by email, web forms, the portal or the API."
              to="/tickets"
              action="Go to tickets"
            />
          )
        }
      >
        <BarChart
          h={220}
          data={ticketRows}
          dataKey="status"
          yAxisProps={{ allowDecimals: false }}
          series={[{ name: 'tickets', label: 'Tickets', color: 'orange.6' }]}
        />
      </ChartCard>
    </SimpleGrid>
  );
}
