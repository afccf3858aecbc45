import { BarChart, LineChart } from '@mantine/charts';
import { SimpleGrid } from '@mantine/core';
import type { Overview } from '@tandem/contract';
import { ChartCard } from '../shared/chart-card';
import { EmptyReport } from '../shared/empty-report';
import { RankedBarChart } from './ranked-bar-chart';

/** "Dec 4" for `2026-12-04` (days are UTC). */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** Events and people by day, the most frequent events and the busiest sources. */
export function ActivityCharts({ overview }: { overview: Overview }) {
  const noEvents = overview.totals.events === 0;
  const noPeople = overview.days.every((d) => d.newPeople === 0 && d.activePeople === 0);
  const capNote = `counted up to ${overview.countCap.toLocaleString()}`;
  return (
    <>
      <ChartCard
        title="Events over time"
        description={`Events per day by their timestamp, ${overview.totals.events.toLocaleString()} in all`}
        filename="events-by-day"
        rows={overview.days.map(({ day, events }) => ({ day, events }))}
        empty={
          noEvents && (
            <EmptyReport
              text="No events in these days yet. Events come from a source's write key (web, mobile, server) or a file import."
              to="/sources"
              action="Go to sources"
            />
          )
        }
      >
        <BarChart
          h={220}
          data={overview.days}
          dataKey="day"
          series={[{ name: 'events', label: 'Events', color: 'blue.6' }]}
          xAxisProps={{ tickFormatter: shortDay }}
          yAxisProps={{ allowDecimals: false }}
          tooltipProps={{ labelFormatter: (day) => shortDay(String(day)) }}
        />
      </ChartCard>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartCard
          title="New and active people"
          description="New: profiles first seen that day. Active: people with at least one event that day."
          filename="people-by-day"
          rows={overview.days.map(({ day, newPeople, activePeople }) => ({ day, newPeople, activePeople }))}
          empty={
            noPeople && (
              <EmptyReport
                text="No people yet: a person appears with their first event or CRM record."
                to="/people"
                action="Go to people"
              />
            )
          }
        >
          <LineChart
            h={220}
            data={overview.days}
            dataKey="day"
            withLegend
            series={[
              { name: 'activePeople', label: 'Active', color: 'teal.6' },
              { name: 'newPeople', label: 'New', color: 'violet.6' },
            ]}
            curveType="monotone"
            xAxisProps={{ tickFormatter: shortDay }}
            yAxisProps={{ allowDecimals: false }}
          />
        </ChartCard>
        <ChartCard
          title="Top events"
          description={`Named (track) events in these days, most frequent first`}
          filename="top-events"
          rows={overview.topEvents.map(({ event, count }) => ({ event, count }))}
          empty={
            overview.topEvents.length === 0 && (
              <EmptyReport
                text="No named events yet. Send track calls (such as Order Completed) to see what people do most."
                to="/sources"
                action="Go to sources"
              />
            )
          }
        >
          <RankedBarChart
            data={overview.topEvents}
            nameKey="event"
            series={{ name: 'count', label: 'Events', color: 'indigo.6' }}
          />
        </ChartCard>
      </SimpleGrid>
      <ChartCard
        title="Top sources"
        description={`Events received by each source, all time, ${capNote}`}
        filename="top-sources"
        rows={overview.topSources.map(({ name, events, capped }) => ({
          source: name,
          events,
          capped: String(capped),
        }))}
        empty={
          overview.sourceCount === 0 ? (
            <EmptyReport
              text="No source yet."
              to="/sources"
              action="Add a source and send your first event"
            />
          ) : (
            overview.topSources.every((s) => s.events === 0) && (
              <EmptyReport
                text="No source has received an event yet: send one with a source's write key."
                to="/sources"
                action="Go to sources"
              />
            )
          )
        }
      >
        <RankedBarChart
          data={overview.topSources}
          nameKey="name"
          series={{ name: 'events', label: 'Events', color: 'cyan.6' }}
          rowHeight={36}
          minHeight={100}
        />
      </ChartCard>
    </>
  );
}
