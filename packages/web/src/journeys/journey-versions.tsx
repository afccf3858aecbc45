import { Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { journeysApi, journeysQueryKey } from './journeys-api';

/** The journey's published versions, newest first. */
export function JourneyVersions({ journeyId }: { journeyId: string }) {
  const { workspace } = useCurrentSession();
  const versions = useQuery({
    queryKey: [...journeysQueryKey(workspace.id), 'versions', journeyId],
    queryFn: () => journeysApi.versions(journeyId),
  });
  const list = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);
  return (
    <QueryState isPending={versions.isPending} error={versions.error} refetch={versions.refetch}>
      {list.length === 0 ? (
        <Text c="dimmed">Not published yet.</Text>
      ) : (
        <Table aria-label="Versions" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Published</Table.Th>
              <Table.Th ta="right">Steps</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((version) => (
              <Table.Tr key={version.version}>
                <Table.Td>v{version.version}</Table.Td>
                <Table.Td>{formatDate(version.publishedAt)}</Table.Td>
                <Table.Td ta="right">{version.definition.steps.length}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </QueryState>
  );
}
