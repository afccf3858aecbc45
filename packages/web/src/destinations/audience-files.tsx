import { Anchor, Badge, Stack, Table, Text } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { ApiError } from '../api/api-client';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatPreciseDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { destinationQueryKey, destinationsApi } from './destinations-api';

const KIND_LABELS = { full: 'Full export', additions: 'Additions', removals: 'Removals' } as const;
const KIND_COLORS = { full: 'blue', additions: 'teal', removals: 'orange' } as const;
// Formats that carry emails, phones and names in clear (customer-match ones are hashed).
const CLEAR_FORMATS: ReadonlySet<string> = new Set(['csv', 'ndjson']);

/** An audience-file destination's exports, newest first, each downloadable. */
export function AudienceFiles({ destinationId }: { destinationId: string }) {
  const session = useCurrentSession();
  const seesPersonalData = roleAllows(session.role, 'pii:read');
  const files = usePagedQuery(
    [...destinationQueryKey(session.workspace.id, destinationId), 'files'],
    (cursor) => destinationsApi.files(destinationId, cursor),
  );
  // A server without the audience-files API answers 404: say so instead of an error.
  if (files.error instanceof ApiError && files.error.status === 404) {
    return <Text c="dimmed">This server does not offer audience files for download.</Text>;
  }
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A full export of each subscribed audience, then every hour the people who entered (additions) and left
        (removals) it. Customer-match formats carry normalized, SHA-256 hashed emails and phone numbers.
      </Text>
      {seesPersonalData ? null : (
        <Text size="sm" c="dimmed">
          CSV and NDJSON files hold emails, phones and names in clear: your role sees personal data masked, so
          only someone who sees it (sales, support, an admin or the owner) can download them.
        </Text>
      )}
      <QueryState isPending={files.isPending} error={files.error} refetch={files.refetch}>
        {files.items.length === 0 ? (
          <Text c="dimmed" py="md">
            No files yet. They are written once the destination subscribes to an audience with members.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table aria-label="Audience files" verticalSpacing="xs" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>File</Table.Th>
                  <Table.Th>Audience</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th ta="right">People</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {files.items.map((file) => (
                  <Table.Tr key={file.id}>
                    <Table.Td>
                      {seesPersonalData || !CLEAR_FORMATS.has(file.format) ? (
                        <Anchor
                          href={destinationsApi.fileUrl(destinationId, file.id)}
                          download
                          ff="monospace"
                          size="sm"
                        >
                          {file.fileName}
                        </Anchor>
                      ) : (
                        <Text ff="monospace" size="sm">
                          {file.fileName}
                        </Text>
                      )}
                      {file.path && (
                        <Text size="xs" c="dimmed" ff="monospace">
                          {file.path}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{file.audience.name}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={KIND_COLORS[file.kind]}>
                        {KIND_LABELS[file.kind]}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">{file.rows.toLocaleString()}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatPreciseDate(file.updatedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMoreButton {...files} />
      </QueryState>
    </Stack>
  );
}
