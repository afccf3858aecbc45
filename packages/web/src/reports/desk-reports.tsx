import { BarChart, LineChart } from '@mantine/charts';
import { Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCurrentSession } from '../auth/use-session';
import { satisfactionApi } from '../satisfaction/satisfaction-api';
import { ChartCard } from '../shared/chart-card';
import { EmptyReport } from '../shared/empty-report';
import { QueryState } from '../shared/query-state';
import { ticketsApi } from '../tickets/tickets-api';

/** The desk's reports as charts: ticket volume, SLA attainment, CSAT over time and by score. */
export function DeskReports() {
  const session = useCurrentSession();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const key = (name: string) => ['workspace', session.workspace.id, 'desk-report', name, from, to] as const;
  const volume = useQuery({
    queryKey: key('tickets'),
    queryFn: () => ticketsApi.report(from || null, to || null),
  });
  const sla = useQuery({
    queryKey: key('sla'),
    queryFn: () => satisfactionApi.slaAttainment(from || null, to || null),
  });
  const csat = useQuery({
    queryKey: key('csat'),
    queryFn: () => satisfactionApi.csatReport(from || null, to || null),
  });
  const slaRows = sla.data
    ? [
        {
          target: 'First response',
          met: sla.data.totals.firstResponseMet,
          breached: sla.data.totals.firstResponseBreached,
          metPercent: sla.data.totals.firstResponsePercent,
        },
        {
          target: 'Resolution',
          met: sla.data.totals.resolutionMet,
          breached: sla.data.totals.resolutionBreached,
          metPercent: sla.data.totals.resolutionPercent,
        },
      ]
    : [];
  return (
    <Stack>
      <Group>
        <TextInput label="From" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput label="To" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
      </Group>
      <QueryState isPending={volume.isPending} error={volume.error} refetch={volume.refetch}>
        {volume.data && (
          <ChartCard
            title="Ticket volume"
            description={`Tickets opened and solved per day, ${volume.data.from} to ${volume.data.to}: ${volume.data.totals.tickets} opened, ${volume.data.totals.solved} of them solved`}
            filename="ticket-volume"
            rows={volume.data.volume}
            empty={
              volume.data.totals.tickets === 0 && (
                <EmptyReport text="No tickets opened in these days." to="/tickets" action="Go to tickets" />
              )
            }
          >
            <LineChart
              h={240}
              data={volume.data.volume}
              dataKey="day"
              withLegend
              yAxisProps={{ allowDecimals: false }}
              series={[
                { name: 'opened', label: 'Opened', color: 'orange.6' },
                { name: 'solved', label: 'Solved', color: 'green.6' },
              ]}
            />
          </ChartCard>
        )}
      </QueryState>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <QueryState isPending={sla.isPending} error={sla.error} refetch={sla.refetch}>
          {sla.data && (
            <ChartCard
              title="SLA attainment"
              description="Of the tickets whose target came due or was met, the share met in time"
              filename="sla-attainment"
              rows={slaRows}
              empty={
                slaRows.every((r) => r.met + r.breached === 0) && (
                  <EmptyReport
                    text="No SLA target settled in these days: set policies, then targets are met or breached."
                    to="/sla-policies"
                    action="Go to SLA policies"
                  />
                )
              }
            >
              <BarChart
                h={220}
                data={slaRows}
                dataKey="target"
                type="stacked"
                withLegend
                series={[
                  { name: 'met', label: 'Met', color: 'green.6' },
                  { name: 'breached', label: 'Breached', color: 'red.6' },
                ]}
              />
            </ChartCard>
          )}
        </QueryState>
        <QueryState isPending={csat.isPending} error={csat.error} refetch={csat.refetch}>
          {csat.data && (
            <ChartCard
              title="CSAT by score"
              description={`${csat.data.totals.responses} answers of ${csat.data.sent} surveys sent · ${csat.data.totals.satisfiedPercent ?? '—'} % satisfied (4 or 5)`}
              filename="csat-by-score"
              rows={csat.data.distribution}
              empty={
                csat.data.totals.responses === 0 && (
                  <EmptyReport
                    text="No survey answered in these days: surveys go out when tickets are solved."
                    to="/tickets"
                    action="Go to tickets"
                  />
                )
              }
            >
              <BarChart
                h={220}
                data={csat.data.distribution.map((d) => ({ ...d, score: `${d.score} ★` }))}
                dataKey="score"
                yAxisProps={{ allowDecimals: false }}
                series={[{ name: 'responses', label: 'Answers', color: 'yellow.6' }]}
              />
            </ChartCard>
          )}
        </QueryState>
      </SimpleGrid>
      {csat.data && csat.data.totals.responses > 0 && (
        <ChartCard
          title="CSAT over time"
          description="Average score of the answers received each day (1 to 5)"
          filename="csat-by-day"
          rows={csat.data.byDay}
        >
          <LineChart
            h={220}
            data={csat.data.byDay}
            dataKey="day"
            connectNulls
            yAxisProps={{ domain: [1, 5] }}
            series={[{ name: 'average', label: 'Average score', color: 'yellow.7' }]}
          />
        </ChartCard>
      )}
    </Stack>
  );
}
