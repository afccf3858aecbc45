import { Alert, Button, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { ActivityCharts } from './activity-charts';
import { CrmAndDeskCharts } from './crm-and-desk-charts';
import { overviewApi, overviewKey } from './overview-api';
import { StatCard } from './stat-card';

const DAYS = 30;

/** `/home`: the workspace at a glance — activity, what it is made of, pipeline and desk. */
export function HomePage() {
  const session = useCurrentSession();
  const overview = useQuery({
    queryKey: overviewKey(session.workspace.id, DAYS),
    queryFn: () => overviewApi.get(DAYS),
    // A large workspace's days are counted in the background: ask again until all are in.
    refetchInterval: (query) => (query.state.data?.complete === false ? 3000 : false),
  });
  const data = overview.data;
  const unsolved = data
    ? data.tickets.unsolved.new +
      data.tickets.unsolved.open +
      data.tickets.unsolved.pending +
      data.tickets.unsolved.on_hold
    : 0;
  return (
    <Stack>
      <Stack gap={4}>
        <Title order={2}>Home</Title>
        <Text size="sm" c="dimmed">
          {session.workspace.name}
          {data ? ` · the last ${DAYS} days, ${data.from} to ${data.to} (UTC)` : ''}
        </Text>
      </Stack>
      <QueryState isPending={overview.isPending} error={overview.error} refetch={overview.refetch}>
        {data && (
          <Stack gap="lg">
            {data.totals.events === 0 && (
              <Alert
                title={
                  data.sourceCount === 0 ? 'Add a source and send your first event' : 'Send your first event'
                }
                aria-label="Getting started"
              >
                <Stack gap="xs" align="flex-start">
                  <Text size="sm">
                    A source's write key lets the Segment-compatible libraries and the HTTP API send events.
                    Events fill this page: activity, people, top events.
                  </Text>
                  <Button component={Link} to="/sources" size="xs">
                    {data.sourceCount === 0 ? 'Add a source' : 'Go to sources'}
                  </Button>
                </Stack>
              </Alert>
            )}
            {!data.complete && (
              <Text size="sm" c="dimmed" role="status">
                Still counting {data.days.filter((d) => !d.counted).length} of the {DAYS} days: the charts
                fill in as they are counted.
              </Text>
            )}
            <SimpleGrid cols={{ base: 2, md: 5 }}>
              <StatCard label={`Events (${DAYS} days)`} value={data.totals.events} />
              <StatCard label={`New people (${DAYS} days)`} value={data.totals.newPeople} />
              <StatCard label="Open deals" value={data.pipeline.openCount} />
              <StatCard label="Unsolved tickets" value={unsolved} />
              <StatCard
                label="SLAs at risk"
                value={data.tickets.slaAtRisk}
                tone={data.tickets.slaAtRisk > 0 ? 'red' : undefined}
              />
            </SimpleGrid>
            <ActivityCharts overview={data} />
            <CrmAndDeskCharts overview={data} unsolved={unsolved} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
