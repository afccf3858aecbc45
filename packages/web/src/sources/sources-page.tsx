import { Stack, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { CreateSourceForm } from './create-source-form';
import { sourcesApi, sourcesQueryKey } from './sources-api';
import { SourcesTable } from './sources-table';

export function SourcesPage() {
  const session = useCurrentSession();
  const sources = usePagedQuery(sourcesQueryKey(session.workspace.id), sourcesApi.list);

  return (
    <Stack>
      <Title order={2}>Sources</Title>
      <Text c="dimmed">
        A source is one place your events come from: a website, an app or a server. Send events with its write
        key.
      </Text>
      {/* The server enforces this too; hiding the form spares a viewer a form that cannot work. */}
      {roleAllows(session.role, 'sources:write') && <CreateSourceForm />}
      <QueryState isPending={sources.isPending} error={sources.error} refetch={sources.refetch}>
        <SourcesTable sources={sources.items} />
        <LoadMoreButton {...sources} />
      </QueryState>
    </Stack>
  );
}
