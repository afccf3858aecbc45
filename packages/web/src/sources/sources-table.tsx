import { Anchor, Button, Code, CopyButton, Group, Table, Text } from '@mantine/core';
import type { Source } from '@tandem/contract';
import { Link } from 'react-router';
import { formatDate } from '../shared/format-date';

export function SourcesTable({ sources }: { sources: readonly Source[] }) {
  if (sources.length === 0) {
    return <Text c="dimmed">No sources yet. Create one to start collecting events.</Text>;
  }
  return (
    <Table aria-label="Sources" striped>
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
              <Anchor component={Link} to={debuggerPath(source)}>
                {source.name}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Group gap="xs" wrap="nowrap">
                <Code>{source.writeKey}</Code>
                <CopyButton value={source.writeKey}>
                  {({ copied, copy }) => (
                    <Button
                      variant="subtle"
                      size="compact-xs"
                      onClick={copy}
                      aria-label={`Copy write key of ${source.name}`}
                    >
                      {copied ? 'Copied' : 'Copy'}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Table.Td>
            <Table.Td>{formatDate(source.createdAt)}</Table.Td>
            <Table.Td>
              <Button
                component={Link}
                to={debuggerPath(source)}
                variant="light"
                size="compact-sm"
                aria-label={`Debugger of ${source.name}`}
              >
                Debugger
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const debuggerPath = (source: Source) => `/sources/${encodeURIComponent(source.id)}`;
