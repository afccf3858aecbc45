import { Anchor, Badge, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import {
  PRIVACY_REQUEST_STATUSES,
  PRIVACY_REQUEST_TYPES,
  type PrivacyRequestStatus,
  type PrivacyRequestType,
} from '@tandem/contract';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { NewPrivacyRequestForm } from './new-privacy-request-form';
import {
  type PrivacyRequestFilter,
  privacyApi,
  privacyQueryKey,
  REQUEST_TYPE_LABELS,
  STATUS_COLORS,
} from './privacy-api';

// Requests run in the background: the list refreshes while some are still waiting or running.
const REFRESH_MS = 2000;

/** `/privacy-requests`: delete, suppress, export or anonymize a person, and follow each request. */
export function PrivacyRequestsPage() {
  const session = useCurrentSession();
  const [filter, setFilter] = useState<PrivacyRequestFilter>({ status: null, type: null });
  const requests = usePagedQuery([...privacyQueryKey(session.workspace.id), filter], (cursor) =>
    privacyApi.list(filter, cursor),
  );
  const unfinished = requests.items.some((r) => r.status === 'pending' || r.status === 'running');
  const { refetch } = requests;
  useRefreshWhile(unfinished, refetch);
  return (
    <Stack maw={1100}>
      <div>
        <Title order={2}>Privacy requests</Title>
        <Text c="dimmed" size="sm" maw={760}>
          Erase, export or anonymize everything Tandem holds about a person — events, profile, CRM, support
          and email — through every identifier they were ever known by. Suppression stops collecting their
          calls. A request’s record keeps no personal data: only what kind of identifier named the person.
        </Text>
      </div>
      <NewPrivacyRequestForm />
      <Group>
        <Select
          label="Status"
          placeholder="Any"
          clearable
          data={[...PRIVACY_REQUEST_STATUSES]}
          value={filter.status}
          onChange={(status) => setFilter({ ...filter, status: status as PrivacyRequestStatus | null })}
          w={160}
        />
        <Select
          label="Type"
          placeholder="Any"
          clearable
          data={PRIVACY_REQUEST_TYPES.map((type) => ({ value: type, label: REQUEST_TYPE_LABELS[type] }))}
          value={filter.type}
          onChange={(type) => setFilter({ ...filter, type: type as PrivacyRequestType | null })}
          w={200}
        />
      </Group>
      <QueryState isPending={requests.isPending} error={requests.error} refetch={requests.refetch}>
        {requests.items.length === 0 ? (
          <Text c="dimmed">No privacy requests yet.</Text>
        ) : (
          <Table aria-label="Privacy requests" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Request</Table.Th>
                <Table.Th>Identified by</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Asked</Table.Th>
                <Table.Th>Finished</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {requests.items.map((request) => (
                <Table.Tr key={request.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/privacy-requests/${encodeURIComponent(request.id)}`}>
                      {REQUEST_TYPE_LABELS[request.type]}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{request.identifierType}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[request.status]} variant="light">
                      {request.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{formatDate(request.createdAt)}</Table.Td>
                  <Table.Td>{formatDate(request.finishedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <LoadMoreButton
          hasNextPage={requests.hasNextPage}
          isFetchingNextPage={requests.isFetchingNextPage}
          fetchNextPage={requests.fetchNextPage}
        />
      </QueryState>
    </Stack>
  );
}

/** Refetches every REFRESH_MS while `active`. */
export function useRefreshWhile(active: boolean, refetch: () => unknown) {
  useInterval(active ? REFRESH_MS : null, refetch);
}

function useInterval(ms: number | null, tick: () => unknown) {
  useEffect(() => {
    if (ms === null) return;
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  }, [ms, tick]);
}
