import { Alert, Code, Stack, Table, Text, Title } from '@mantine/core';
import { type AuditEntry, roleAllows } from '@tandem/contract';
import { useDeferredValue, useState } from 'react';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { ExpandableRow } from '../shared/expandable-row';
import { formatPreciseDate } from '../shared/format-date';
import { JsonBlock } from '../shared/json-block';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { AuditFiltersBar } from './audit-filters-bar';
import { auditLogApi, auditQueryKey, NO_AUDIT_FILTERS } from './audit-log-api';
import { ChainStatus } from './chain-status';

/** `/audit-log`: who read whose data and who changed what, in a tamper-evident chain. */
export function AuditLogPage() {
  const session = useCurrentSession();
  if (!roleAllows(session.role, 'audit:read')) {
    return (
      <Alert color="gray" title="Audit log" maw={640}>
        Reading the audit log takes the audit:read permission (owners and admins).
      </Alert>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const session = useCurrentSession();
  const [filters, setFilters] = useState(NO_AUDIT_FILTERS);
  // Typing in a filter refetches once the input settles, not on every key.
  const applied = useDeferredValue(filters);
  const entries = usePagedQuery([...auditQueryKey(session.workspace.id), 'list', applied], (cursor) =>
    auditLogApi.list(applied, cursor),
  );
  return (
    <Stack gap="lg" maw={1300}>
      <div>
        <Title order={2}>Audit log</Title>
        <Text c="dimmed" size="sm" maw={800}>
          Every read of a person’s data and every change, by user or API token. Entries are chained by hash:
          editing or removing one breaks the chain from there. A privacy deletion erases an entry’s content
          (ids, values) and keeps the entry.
        </Text>
      </div>
      <ChainStatus />
      <AuditFiltersBar filters={filters} onChange={setFilters} />
      <QueryState isPending={entries.isPending} error={entries.error} refetch={entries.refetch}>
        {entries.items.length === 0 ? (
          <Text c="dimmed">No entries match.</Text>
        ) : (
          <Table aria-label="Audit entries" striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th>#</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Route</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Person</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.items.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </Table.Tbody>
          </Table>
        )}
        <LoadMoreButton {...entries} />
      </QueryState>
    </Stack>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const detail = entry.erased ? (
    <Text size="sm" c="dimmed">
      This entry’s content was erased by a privacy request; its digest stays in the chain.
    </Text>
  ) : (
    <JsonBlock
      label={`Entry ${entry.seq} content`}
      value={{ ids: entry.entityIds, before: entry.before, after: entry.after }}
    />
  );
  return (
    <ExpandableRow label={`Details of entry ${entry.seq}`} columns={7} detail={detail}>
      <Table.Td>{entry.seq}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatPreciseDate(entry.at)}</Table.Td>
      <Table.Td>
        <Text size="sm">
          {entry.actorKind === 'token' ? 'Token ' : ''}
          <Code>{entry.actorId}</Code>
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={600} c={entry.action === 'write' ? 'orange.8' : 'blue.7'}>
          {entry.action === 'write' ? 'Change' : 'Read'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {entry.method} <Code>{entry.route}</Code>
        </Text>
      </Table.Td>
      <Table.Td>{entry.status}</Table.Td>
      <Table.Td>
        {entry.erased ? (
          <Text size="sm" c="dimmed">
            erased
          </Text>
        ) : (
          <Code>{entry.profileId ?? '—'}</Code>
        )}
      </Table.Td>
    </ExpandableRow>
  );
}
