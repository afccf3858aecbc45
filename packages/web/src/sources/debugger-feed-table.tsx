import { Badge, Code, Table, Text } from '@mantine/core';
import type { StoredEvent } from '@tandem/contract';
import { eventLabel } from '../shared/event-label';
import { ExpandableRow } from '../shared/expandable-row';
import { formatPreciseDate } from '../shared/format-date';
import { JsonBlock } from '../shared/json-block';
import type { DebuggerItem } from './debugger-item';

export type FeedFilter = 'all' | DebuggerItem['kind'];

type DebuggerFeedTableProps = { items: readonly DebuggerItem[]; filter: FeedFilter; emptyText: string };

export function DebuggerFeedTable({ items, filter, emptyText }: DebuggerFeedTableProps) {
  const shown = filter === 'all' ? items : items.filter((item) => item.kind === filter);
  if (shown.length === 0) {
    return <Text c="dimmed">{emptyText}</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label="Received calls">
        <Table.Thead>
          <Table.Tr>
            <Table.Th aria-label="Payload" />
            <Table.Th>Received</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>Who</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{shown.map((item) => feedRow(item))}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function feedRow(item: DebuggerItem) {
  const received = (
    <Table.Td style={{ whiteSpace: 'nowrap' }} title={item.receivedAt}>
      {formatPreciseDate(item.receivedAt)}
    </Table.Td>
  );
  switch (item.kind) {
    case 'event': {
      const label = labelOf(item.event);
      return (
        <ExpandableRow
          key={item.key}
          label={`Payload of ${label}`}
          columns={4}
          detail={payload(item.event.payload)}
        >
          {received}
          <Table.Td>
            <Badge variant="light" size="sm">
              {item.event.type}
            </Badge>
          </Table.Td>
          <Table.Td fw={500}>{label}</Table.Td>
          <Table.Td style={{ wordBreak: 'break-all' }}>
            {item.event.userId ?? item.event.anonymousId ?? '—'}
          </Table.Td>
        </ExpandableRow>
      );
    }
    case 'rejection':
      return (
        <ExpandableRow
          key={item.key}
          label={`Payload of rejected call (${item.rejection.code})`}
          columns={4}
          detail={payload(item.rejection.payload)}
        >
          {received}
          <Table.Td>
            <Badge color="red" variant="light" size="sm">
              rejected
            </Badge>
          </Table.Td>
          <Table.Td colSpan={2}>
            <Code color="red.1">{item.rejection.code}</Code>{' '}
            <Text span size="sm">
              {item.rejection.message}
            </Text>
          </Table.Td>
        </ExpandableRow>
      );
    default: {
      const unknownKind: never = item;
      return unknownKind;
    }
  }
}

function labelOf(event: StoredEvent): string {
  const name = event.payload.name;
  return eventLabel({ type: event.type, event: event.event, name: typeof name === 'string' ? name : null });
}

function payload(value: unknown) {
  return <JsonBlock value={value} label="Payload as JSON" />;
}
