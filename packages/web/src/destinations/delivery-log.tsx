import { Anchor, Group, SegmentedControl, Stack, Table, Text, Tooltip } from '@mantine/core';
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from '@tandem/contract';
import { useState } from 'react';
import { Link } from 'react-router';
import { ExpandableRow } from '../shared/expandable-row';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { DeliveryInspector } from './delivery-inspector';
import {
  DELIVERY_STATUS_HINTS,
  DELIVERY_STATUS_LABELS,
  DELIVERY_TYPE_LABELS,
  DeliveryStatusBadge,
  formatLatency,
  formatWhen,
} from './delivery-status';
import { useDeliveries } from './use-deliveries';

const FILTERS = [
  { value: 'all', label: 'All' },
  ...DELIVERY_STATUSES.map((status) => ({ value: status, label: DELIVERY_STATUS_LABELS[status] })),
];

/** Every delivery of the destination with its status, attempts, latency and last error; filter and inspect. */
export function DeliveryLog({ destinationId, canReplay }: { destinationId: string; canReplay: boolean }) {
  const [filter, setFilter] = useState('all');
  const status = filter === 'all' ? null : (filter as DeliveryStatus);
  const deliveries = useDeliveries(destinationId, status);

  return (
    <Stack>
      <Group justify="space-between">
        <SegmentedControl aria-label="Filter by status" data={FILTERS} value={filter} onChange={setFilter} />
        <Text size="xs" c="dimmed">
          Updates every few seconds.
        </Text>
      </Group>
      <QueryState isPending={deliveries.isPending} error={deliveries.error} refetch={deliveries.refetch}>
        {deliveries.items.length === 0 ? (
          <Text c="dimmed" py="md">
            {status
              ? `No ${DELIVERY_STATUS_LABELS[status].toLowerCase()} deliveries. ${DELIVERY_STATUS_HINTS[status]}`
              : 'No deliveries yet. They appear here as soon as a subscribed event or change happens; use Send test to try the connection.'}
          </Text>
        ) : (
          <DeliveriesTable
            deliveries={deliveries.items}
            destinationId={destinationId}
            canReplay={canReplay}
          />
        )}
        <LoadMoreButton {...deliveries} />
      </QueryState>
    </Stack>
  );
}

function DeliveriesTable({
  deliveries,
  destinationId,
  canReplay,
}: {
  deliveries: readonly Delivery[];
  destinationId: string;
  canReplay: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table aria-label="Delivery log" verticalSpacing="xs" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th aria-label="Inspect" />
            <Table.Th>Status</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Profile</Table.Th>
            <Table.Th ta="right">Attempts</Table.Th>
            <Table.Th ta="right">Latency</Table.Th>
            <Table.Th>Answer</Table.Th>
            <Table.Th>Last error</Table.Th>
            <Table.Th>Happened</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deliveries.map((delivery) => (
            <ExpandableRow
              key={delivery.id}
              label={`Inspect delivery ${delivery.id}`}
              columns={8}
              detail={
                <DeliveryInspector
                  destinationId={destinationId}
                  deliveryId={delivery.id}
                  canReplay={canReplay}
                />
              }
            >
              <Table.Td>
                <DeliveryStatusBadge status={delivery.status} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{DELIVERY_TYPE_LABELS[delivery.type]}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor
                  component={Link}
                  to={`/people/${encodeURIComponent(delivery.profileId)}`}
                  size="sm"
                  ff="monospace"
                >
                  {shortId(delivery.profileId)}
                </Anchor>
              </Table.Td>
              <Table.Td ta="right">{delivery.attempts}</Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {formatLatency(delivery.latencyMs)}
              </Table.Td>
              <Table.Td>{delivery.lastStatusCode ?? '—'}</Table.Td>
              <Table.Td maw={240}>
                {delivery.lastError ? (
                  <Tooltip label={delivery.lastError} multiline maw={420}>
                    {/* A skipped delivery's reason (no consent, deleted) is information, not a failure. */}
                    <Text size="sm" c={delivery.status === 'skipped' ? 'dimmed' : 'red'} truncate="end">
                      {delivery.lastError}
                    </Text>
                  </Tooltip>
                ) : (
                  '—'
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }} title={delivery.occurredAt}>
                {formatWhen(delivery.occurredAt)}
              </Table.Td>
            </ExpandableRow>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** `prof_01HZX…` → `prof_…` and its tail, enough to tell rows apart; the link carries the whole id. */
function shortId(id: string): string {
  const cut = id.indexOf('_') + 1;
  return id.length > 16 ? `${id.slice(0, cut)}…${id.slice(-8)}` : id;
}
