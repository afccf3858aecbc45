import { Anchor, Button, Group, Table, Text } from '@mantine/core';
import { roleAllows, type Source } from '@tandem/contract';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { DeleteSourceButton } from './delete-source-button';
import { SourceName } from './source-name';
import { WriteKey } from './write-key';

export function SourcesTable({ sources }: { sources: readonly Source[] }) {
  const session = useCurrentSession();
  const canWrite = roleAllows(session.role, 'sources:write');
  if (sources.length === 0) {
    return <Text c="dimmed">No sources yet. Create one to start collecting events.</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label="Sources" striped verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Write key</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sources.map((source) => (
            <Table.Tr key={source.id}>
              <Table.Td>
                <SourceName source={source}>
                  <Anchor component={Link} to={debuggerPath(source)}>
                    {source.name}
                  </Anchor>
                </SourceName>
              </Table.Td>
              <Table.Td>
                <WriteKey source={source} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(source.createdAt)}</Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end" wrap="nowrap">
                  <Button
                    component={Link}
                    to={debuggerPath(source)}
                    variant="light"
                    size="compact-sm"
                    aria-label={`Debugger of ${source.name}`}
                  >
                    Debugger
                  </Button>
                  {/* Tandem's own source cannot be deleted (the server refuses too). */}
                  {canWrite && source.kind !== 'internal' && <DeleteSourceButton source={source} />}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const debuggerPath = (source: Source) => `/sources/${encodeURIComponent(source.id)}`;
