import { Anchor, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { LiveFeedSection } from './live-feed-section';
import { SourceImports } from './source-imports';
import { SourceName } from './source-name';
import { SourceStats } from './source-stats';
import { sourcesApi, sourcesQueryKey } from './sources-api';
import { WriteKey } from './write-key';

/** `/sources/:id`: is this source sending what we expect? Counters, a live feed and imports. */
export function SourceDebuggerPage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const source = useQuery({
    queryKey: [...sourcesQueryKey(session.workspace.id), id],
    queryFn: () => sourcesApi.get(id),
  });

  return (
    <Stack>
      <Anchor component={Link} to="/sources" size="sm">
        ← Sources
      </Anchor>
      <QueryState isPending={source.isPending} error={source.error} refetch={source.refetch}>
        {source.data && (
          // Keyed by source: the live feed and its stream belong to one source.
          <Stack key={source.data.id} gap="lg">
            <div>
              <SourceName source={source.data}>
                <Title order={2}>{source.data.name}: debugger</Title>
              </SourceName>
              <Group gap="xs">
                <Text c="dimmed" size="sm">
                  Write key
                </Text>
                <WriteKey source={source.data} />
              </Group>
            </div>
            <SourceStats sourceId={source.data.id} />
            <LiveFeedSection source={source.data} />
            <SourceImports sourceId={source.data.id} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
