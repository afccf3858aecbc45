import { Alert, Button, Grid, Group, Stack, Table, Text } from '@mantine/core';
import type { DeliveryDetail } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { formatPreciseDate } from '../shared/format-date';
import { JsonBlock } from '../shared/json-block';
import { QueryState } from '../shared/query-state';
import {
  DELIVERY_STATUS_HINTS,
  DELIVERY_TYPE_LABELS,
  DeliveryStatusBadge,
  formatLatency,
} from './delivery-status';
import { deliveriesQueryKey, destinationQueryKey, destinationsApi } from './destinations-api';

/** One delivery opened: what was sent, how its attempts went, and a replay. */
export function DeliveryInspector(props: { destinationId: string; deliveryId: string; canReplay: boolean }) {
  const session = useCurrentSession();
  const detail = useQuery({
    queryKey: [...deliveriesQueryKey(session.workspace.id, props.destinationId), 'detail', props.deliveryId],
    queryFn: () => destinationsApi.delivery(props.destinationId, props.deliveryId),
  });
  return (
    <QueryState isPending={detail.isPending} error={detail.error} refetch={detail.refetch}>
      {detail.data && <DeliveryDetailView delivery={detail.data} canReplay={props.canReplay} />}
    </QueryState>
  );
}

function DeliveryDetailView({ delivery, canReplay }: { delivery: DeliveryDetail; canReplay: boolean }) {
  const rows: [string, React.ReactNode][] = [
    [
      'Delivery ID',
      <Text key="id" span ff="monospace" size="sm">
        {delivery.id}
      </Text>,
    ],
    [
      'Status',
      <Group key="status" gap="xs">
        <DeliveryStatusBadge status={delivery.status} />
        <Text span size="xs" c="dimmed">
          {DELIVERY_STATUS_HINTS[delivery.status]}
        </Text>
      </Group>,
    ],
    ['What', DELIVERY_TYPE_LABELS[delivery.type]],
    ['Attempts', String(delivery.attempts)],
    ['Last answer', delivery.lastStatusCode === null ? 'No HTTP answer' : `HTTP ${delivery.lastStatusCode}`],
    ['Last attempt took', formatLatency(delivery.latencyMs)],
    ['Happened', formatPreciseDate(delivery.occurredAt)],
    ['Queued', formatPreciseDate(delivery.createdAt)],
    [
      'Next attempt',
      formatPreciseDate(
        delivery.nextAttemptAt,
        delivery.status === 'failed' || delivery.status === 'pending' ? 'Soon' : '—',
      ),
    ],
    ['Delivered', formatPreciseDate(delivery.deliveredAt)],
  ];
  return (
    <Grid gap="lg" p="xs">
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack gap="sm">
          <Table aria-label="Delivery details" withRowBorders={false} verticalSpacing={4}>
            <Table.Tbody>
              {rows.map(([name, value]) => (
                <Table.Tr key={name}>
                  <Table.Th w={150} fw={500} c="dimmed">
                    {name}
                  </Table.Th>
                  <Table.Td>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {delivery.lastError && (
            <Alert
              color={delivery.status === 'skipped' ? 'gray' : 'red'}
              title={delivery.status === 'skipped' ? 'Why it was not sent' : 'Last error'}
            >
              {delivery.lastError}
            </Alert>
          )}
          {canReplay && delivery.status !== 'pending' && <ReplayOneButton delivery={delivery} />}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Text size="sm" fw={500} mb={4}>
          Body sent
        </Text>
        <JsonBlock value={delivery.body} label={`Body of delivery ${delivery.id}`} />
      </Grid.Col>
    </Grid>
  );
}

function ReplayOneButton({ delivery }: { delivery: DeliveryDetail }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const replay = useMutation({
    mutationFn: () => destinationsApi.replay(delivery.destinationId, { deliveryIds: [delivery.id] }),
    onSuccess: () =>
      queryClient.invalidateQueries({
        queryKey: destinationQueryKey(session.workspace.id, delivery.destinationId),
      }),
  });
  return (
    <Stack gap={4} align="flex-start">
      <Button variant="light" loading={replay.isPending} onClick={() => replay.mutate()}>
        {delivery.status === 'delivered' ? 'Send again' : 'Replay'}
      </Button>
      {replay.data && (
        <Text size="sm" c="teal">
          {replay.data.replayed === 1 ? 'Queued again with the same delivery id.' : 'Nothing to replay.'}
        </Text>
      )}
      {replay.error && (
        <Text size="sm" c="red" role="alert">
          {errorMessage(replay.error)}
        </Text>
      )}
    </Stack>
  );
}
