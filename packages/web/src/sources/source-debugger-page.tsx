import { Anchor, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { SourcePlanSection } from '../tracking-plans/source-plan-section';
import { InstallSnippetSection } from './install-snippet-section';
import { LiveFeedSection } from './live-feed-section';
import { PersonalizationSection } from './personalization-section';
import { SourceImports } from './source-imports';
import { SourceName } from './source-name';
import { SourceStats } from './source-stats';
import { sourcesApi, sourcesQueryKey } from './sources-api';
import { WebhookSourceSection } from './webhook-source-section';
import { WriteKey } from './write-key';

/**
 * `/sources/:id`: how to send to this source (the website snippet, or a webhook's mapping) and
 * whether it sends what we expect: counters, a live feed and imports.
 */
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
                <Title order={2}>{source.data.name}</Title>
              </SourceName>
              <Group gap="xs">
                <Text c="dimmed" size="sm">
                  Write key
                </Text>
                <WriteKey source={source.data} />
              </Group>
            </div>
            {source.data.kind === 'tracking' && <InstallSnippetSection source={source.data} />}
            {source.data.kind === 'tracking' && <PersonalizationSection />}
            {source.data.kind === 'webhook' && <WebhookSourceSection source={source.data} />}
            <SourceStats sourceId={source.data.id} />
            <LiveFeedSection source={source.data} />
            {source.data.kind !== 'internal' && <SourcePlanSection sourceId={source.data.id} />}
            <SourceImports sourceId={source.data.id} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
