import { Badge, List, Progress, Stack, Table, Text } from '@mantine/core';
import type { ImportJob } from '@tandem/contract';
import { ExpandableRow } from '../shared/expandable-row';
import { formatDate } from '../shared/format-date';

const STATUS_COLOR: Record<ImportJob['status'], string> = {
  running: 'blue',
  completed: 'green',
  failed: 'red',
};
const TYPE_LABEL: Record<NonNullable<ImportJob['type']>, string> = {
  deal: 'Deals',
  identify: 'People',
  group: 'Companies',
  track: 'Events',
  page: 'Page views',
  screen: 'Screen views',
};
// The job keeps the first 100 errors; a handful says what is wrong with the file.
const ERRORS_SHOWN = 10;

export function ImportsTable({ imports }: { imports: readonly ImportJob[] }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table aria-label="Imports">
        <Table.Thead>
          <Table.Tr>
            <Table.Th aria-label="Errors" />
            <Table.Th>File</Table.Th>
            <Table.Th>Rows became</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Rows read</Table.Th>
            <Table.Th title="Deal imports: deals created">Stored</Table.Th>
            <Table.Th title="Deal imports: existing deals updated">Duplicates</Table.Th>
            <Table.Th>Rejected</Table.Th>
            <Table.Th>Started</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {imports.map((job) => (
            <ExpandableRow
              key={job.id}
              label={`Errors of ${job.fileName}`}
              columns={8}
              detail={<ImportErrors job={job} />}
            >
              <Table.Td>
                <Text size="sm">{job.fileName}</Text>
                {job.status === 'running' && job.bytesTotal > 0 && (
                  <Progress
                    value={(100 * job.bytesRead) / job.bytesTotal}
                    size="sm"
                    mt={4}
                    aria-label={`Progress of ${job.fileName}`}
                  />
                )}
              </Table.Td>
              <Table.Td>{job.type ? TYPE_LABEL[job.type] : '—'}</Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLOR[job.status]} variant="light">
                  {job.status}
                </Badge>
              </Table.Td>
              <Table.Td>{job.rowsRead.toLocaleString()}</Table.Td>
              <Table.Td>{job.rowsStored.toLocaleString()}</Table.Td>
              <Table.Td>{job.rowsDuplicate.toLocaleString()}</Table.Td>
              <Table.Td c={job.rowsRejected > 0 ? 'red' : undefined}>
                {job.rowsRejected.toLocaleString()}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(job.createdAt)}</Table.Td>
            </ExpandableRow>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ImportErrors({ job }: { job: ImportJob }) {
  const shown = job.errors.slice(0, ERRORS_SHOWN);
  return (
    <Stack gap="xs">
      {job.failure && (
        <Text c="red" size="sm" role="alert">
          Failed: {job.failure}
        </Text>
      )}
      {shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          No row errors.
        </Text>
      ) : (
        <List size="sm" aria-label={`First errors of ${job.fileName}`}>
          {shown.map((error) => (
            <List.Item key={`${error.line}:${error.message}`}>
              Line {error.line}: {error.message}
            </List.Item>
          ))}
        </List>
      )}
      {job.errors.length > shown.length && (
        <Text size="xs" c="dimmed">
          …and {job.errors.length - shown.length} more.
        </Text>
      )}
    </Stack>
  );
}
