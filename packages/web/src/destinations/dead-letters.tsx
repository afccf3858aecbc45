import { Alert, Button, Checkbox, Group, Popover, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { Delivery, ReplayRequest } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ExpandableRow } from '../shared/expandable-row';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { DeliveryInspector } from './delivery-inspector';
import { DELIVERY_TYPE_LABELS, formatWhen } from './delivery-status';
import { destinationQueryKey, destinationsApi } from './destinations-api';
import { useDeliveries } from './use-deliveries';

/** Deliveries given up on: inspect why, then replay one, a selection or all of them. */
export function DeadLetters({ destinationId, canReplay }: { destinationId: string; canReplay: boolean }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const dead = useDeliveries(destinationId, 'dead');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirmingAll, setConfirmingAll] = useState(false);
  const replay = useMutation({
    mutationFn: (request: ReplayRequest) => destinationsApi.replay(destinationId, request),
    onSuccess: async () => {
      setSelected(new Set());
      setConfirmingAll(false);
      await queryClient.invalidateQueries({
        queryKey: destinationQueryKey(session.workspace.id, destinationId),
      });
    },
  });
  // Only rows still listed count as selected (a replayed row leaves the list).
  const shownSelected = dead.items
    .filter((delivery) => selected.has(delivery.id))
    .map((delivery) => delivery.id);
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A delivery goes dead after its last attempt fails. Fix the destination, then replay: replayed
        deliveries keep their delivery id (so the receiver can drop duplicates), start again at attempt 1, and
        are re-checked for consent.
      </Text>
      {replay.data && (
        <Alert color="teal" withCloseButton onClose={() => replay.reset()}>
          {replay.data.replayed === 1
            ? '1 delivery queued again.'
            : `${replay.data.replayed.toLocaleString()} deliveries queued again.`}
        </Alert>
      )}
      {replay.error && !confirmingAll ? (
        <Alert color="red" role="alert" title="Could not replay">
          {errorMessage(replay.error)}
        </Alert>
      ) : null}
      {canReplay && dead.items.length > 0 && (
        <Group gap="xs">
          <Button
            variant="light"
            disabled={shownSelected.length === 0}
            loading={
              replay.isPending &&
              replay.variables?.deliveryIds !== undefined &&
              replay.variables.deliveryIds.length > 1
            }
            onClick={() => replay.mutate({ deliveryIds: shownSelected })}
          >
            Replay selected{shownSelected.length > 0 ? ` (${shownSelected.length})` : ''}
          </Button>
          <Popover opened={confirmingAll} onChange={setConfirmingAll} withArrow position="bottom-start">
            <Popover.Target>
              <Button variant="default" onClick={() => setConfirmingAll((open) => !open)}>
                Replay all
              </Button>
            </Popover.Target>
            <Popover.Dropdown maw={340}>
              <Text size="sm" mb="xs">
                Replay every dead letter of this destination, including those not loaded on this page?
              </Text>
              {replay.error ? (
                <Text size="sm" c="red" role="alert" mb="xs">
                  {errorMessage(replay.error)}
                </Text>
              ) : null}
              <Group gap="xs" justify="flex-end">
                <Button size="compact-sm" variant="default" onClick={() => setConfirmingAll(false)}>
                  Cancel
                </Button>
                <Button
                  size="compact-sm"
                  loading={replay.isPending}
                  onClick={() => replay.mutate({ status: ['dead'] })}
                >
                  Replay all dead letters
                </Button>
              </Group>
            </Popover.Dropdown>
          </Popover>
        </Group>
      )}
      <QueryState isPending={dead.isPending} error={dead.error} refetch={dead.refetch}>
        {dead.items.length === 0 ? (
          <Text c="dimmed" py="md">
            No dead letters: every delivery so far arrived or is still being tried.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table aria-label="Dead letters" verticalSpacing="xs" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th aria-label="Inspect" />
                  {canReplay && (
                    <Table.Th w={40}>
                      <Checkbox
                        aria-label="Select all dead letters shown"
                        checked={shownSelected.length === dead.items.length}
                        indeterminate={shownSelected.length > 0 && shownSelected.length < dead.items.length}
                        onChange={(event) =>
                          setSelected(
                            new Set(
                              event.currentTarget.checked ? dead.items.map((delivery) => delivery.id) : [],
                            ),
                          )
                        }
                      />
                    </Table.Th>
                  )}
                  <Table.Th>What</Table.Th>
                  <Table.Th ta="right">Attempts</Table.Th>
                  <Table.Th>Answer</Table.Th>
                  <Table.Th>Last error</Table.Th>
                  <Table.Th>Happened</Table.Th>
                  {canReplay && <Table.Th aria-label="Actions" />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {dead.items.map((delivery) => (
                  <DeadLetterRow
                    key={delivery.id}
                    delivery={delivery}
                    canReplay={canReplay}
                    selected={selected.has(delivery.id)}
                    onSelect={(on) => toggle(delivery.id, on)}
                    replaying={replay.isPending && replay.variables?.deliveryIds?.[0] === delivery.id}
                    onReplay={() => replay.mutate({ deliveryIds: [delivery.id] })}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMoreButton {...dead} />
      </QueryState>
    </Stack>
  );
}

function DeadLetterRow(props: {
  delivery: Delivery;
  canReplay: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  replaying: boolean;
  onReplay: () => void;
}) {
  const { delivery } = props;
  return (
    <ExpandableRow
      label={`Inspect dead letter ${delivery.id}`}
      columns={props.canReplay ? 7 : 5}
      detail={
        <DeliveryInspector
          destinationId={delivery.destinationId}
          deliveryId={delivery.id}
          canReplay={false}
        />
      }
    >
      {props.canReplay && (
        <Table.Td>
          <Checkbox
            aria-label={`Select dead letter ${delivery.id}`}
            checked={props.selected}
            onChange={(event) => props.onSelect(event.currentTarget.checked)}
          />
        </Table.Td>
      )}
      <Table.Td>{DELIVERY_TYPE_LABELS[delivery.type]}</Table.Td>
      <Table.Td ta="right">{delivery.attempts}</Table.Td>
      <Table.Td>{delivery.lastStatusCode ?? '—'}</Table.Td>
      <Table.Td maw={320}>
        {delivery.lastError ? (
          <Tooltip label={delivery.lastError} multiline maw={420}>
            <Text size="sm" c="red" truncate="end">
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
      {props.canReplay && (
        <Table.Td>
          <Button
            size="compact-sm"
            variant="subtle"
            loading={props.replaying}
            onClick={props.onReplay}
            aria-label={`Replay dead letter ${delivery.id}`}
          >
            Replay
          </Button>
        </Table.Td>
      )}
    </ExpandableRow>
  );
}
