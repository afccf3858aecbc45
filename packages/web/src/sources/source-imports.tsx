import { Code, Stack, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { ImportFileForm } from './import-file-form';
import { ImportsTable } from './imports-table';
import { sourceDebuggerApi, sourceDebuggerQueryKey } from './source-debugger-api';

// Progress of a running import is worth following closely; finished ones do not change.
const RUNNING_REFRESH_MS = 2_000;

/**
 * File imports into this source (uploaded here, with the API or `tandem import`): rows become
 * deals, people, companies or events; each import's progress and first row errors.
 */
export function SourceImports({ sourceId }: { sourceId: string }) {
  const session = useCurrentSession();
  const imports = useQuery({
    queryKey: [...sourceDebuggerQueryKey(session.workspace.id, sourceId), 'imports'],
    queryFn: sourceDebuggerApi.imports,
    select: (page) => page.data.filter((job) => job.sourceId === sourceId),
    refetchInterval: (query) =>
      query.state.data?.data.some((job) => job.sourceId === sourceId && job.status === 'running')
        ? RUNNING_REFRESH_MS
        : false,
  });

  return (
    <Stack component="section" aria-labelledby="imports-title" gap="sm">
      <Title order={3} id="imports-title">
        Imports
      </Title>
      {roleAllows(session.role, 'sources:write') && <ImportFileForm sourceId={sourceId} />}
      <QueryState isPending={imports.isPending} error={imports.error} refetch={imports.refetch}>
        {imports.data?.length === 0 ? (
          <Text c="dimmed">
            No file imports into this source yet. Upload a CSV or NDJSON file above, with{' '}
            <Code>tandem import</Code> or the API.
          </Text>
        ) : (
          <ImportsTable imports={imports.data ?? []} />
        )}
      </QueryState>
    </Stack>
  );
}
