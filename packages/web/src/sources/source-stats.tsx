import { Paper, SimpleGrid, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { formatPreciseDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { sourceDebuggerApi, sourceStatsQueryKey } from './source-debugger-api';

export function SourceStats({ sourceId }: { sourceId: string }) {
  const session = useCurrentSession();
  const stats = useQuery({
    // Refreshed by the live feed when calls arrive (see useLiveFeed), not on a timer.
    queryKey: sourceStatsQueryKey(session.workspace.id, sourceId),
    queryFn: () => sourceDebuggerApi.stats(sourceId),
  });
  return (
    <QueryState isPending={stats.isPending} error={stats.error} refetch={stats.refetch}>
      {stats.data && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} component="dl" aria-label="Source counters">
          <Counter label="Events received" value={stats.data.events.toLocaleString()} />
          <Counter label="Calls rejected (last 7 days)" value={stats.data.rejections.toLocaleString()} />
          <Counter label="Last event" value={formatPreciseDate(stats.data.lastEventAt, 'Never')} />
        </SimpleGrid>
      )}
    </QueryState>
  );
}

function Counter({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="md">
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" size="xl" fw={700} m={0}>
        {value}
      </Text>
    </Paper>
  );
}
