import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { formatDate, formatPreciseDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { privacyApi, privacyQueryKey, REQUEST_TYPE_LABELS, STATUS_COLORS } from './privacy-api';
import { useRefreshWhile } from './privacy-requests-page';

/** `/privacy-requests/:id`: one request, its per-domain report, and an export's downloads. */
export function PrivacyRequestPage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const request = useQuery({
    queryKey: [...privacyQueryKey(session.workspace.id), 'one', id],
    queryFn: () => privacyApi.get(id),
  });
  const status = request.data?.status;
  useRefreshWhile(status === 'pending' || status === 'running', request.refetch);
  const data = request.data;
  return (
    <Stack maw={900}>
      <Anchor component={Link} to="/privacy-requests" size="sm">
        ← Privacy requests
      </Anchor>
      <QueryState isPending={request.isPending} error={request.error} refetch={request.refetch}>
        {data && (
          <>
            <Group>
              <Title order={2}>
                {REQUEST_TYPE_LABELS[data.type]} by {data.identifierType}
              </Title>
              <Badge color={STATUS_COLORS[data.status]} variant="light" size="lg">
                {data.status}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              Asked {formatPreciseDate(data.createdAt)}
              {data.requestedBy ? ` by ${data.requestedBy}` : ''} · started{' '}
              {formatPreciseDate(data.startedAt)} · finished {formatPreciseDate(data.finishedAt)}
            </Text>
            {data.report.personFound === false && (
              <Alert color="yellow">
                No person was known by this identifier: only its calls not yet attributed were looked for.
              </Alert>
            )}
            {data.report.error && (
              <Alert color="red" title="The request failed" role="alert">
                {data.report.error}
              </Alert>
            )}
            {data.report.downloadUrl && (
              <Paper withBorder p="md">
                <Text fw={500}>Export ready</Text>
                <Text size="sm" c="dimmed" mb="xs">
                  Downloadable until {formatDate(data.report.expiresAt)}; the link itself opens it, so share
                  it only with the person.
                </Text>
                <Group>
                  <Button component="a" href={data.report.downloadUrl}>
                    Download JSON
                  </Button>
                  <Button component="a" variant="light" href={`${data.report.downloadUrl}?format=html`}>
                    Download readable summary
                  </Button>
                </Group>
              </Paper>
            )}
            <DomainReport domains={data.report.domains} />
          </>
        )}
      </QueryState>
    </Stack>
  );
}

/** What the request did in each domain, record kind by record kind. */
function DomainReport({ domains }: { domains: Record<string, Record<string, number>> }) {
  const rows = Object.entries(domains).flatMap(([domain, counts]) =>
    Object.entries(counts).map(([kind, count]) => ({ domain, kind, count })),
  );
  if (rows.length === 0) return <Text c="dimmed">Nothing reported yet.</Text>;
  return (
    <Table aria-label="Report by domain" withTableBorder>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Domain</Table.Th>
          <Table.Th>Records</Table.Th>
          <Table.Th ta="right">Count</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={`${row.domain}/${row.kind}`}>
            <Table.Td>{row.domain}</Table.Td>
            <Table.Td>{row.kind.replaceAll('_', ' ')}</Table.Td>
            <Table.Td ta="right">{row.count.toLocaleString()}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
