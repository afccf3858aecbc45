import { Badge, Table, Text } from '@mantine/core';
import type { TimelineEvent } from '@tandem/contract';
import { eventLabel } from '../shared/event-label';
import { ExpandableRow } from '../shared/expandable-row';
import { formatDate } from '../shared/format-date';
import { JsonBlock } from '../shared/json-block';
import { KeyProperties } from '../shared/key-properties';

type TimelineTableProps = { events: readonly TimelineEvent[]; filtered: boolean };

export function TimelineTable({ events, filtered }: TimelineTableProps) {
  if (events.length === 0) {
    return <Text c="dimmed">{filtered ? 'No events with this name.' : 'No activity yet.'}</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Activity">
        <Table.Thead>
          <Table.Tr>
            <Table.Th aria-label="Details" />
            <Table.Th>Event</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Properties</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => {
            const label = eventLabel(event);
            // Identify and group calls carry traits; the other calls carry properties.
            const shown = Object.keys(event.properties).length > 0 ? event.properties : event.traits;
            return (
              <ExpandableRow
                key={event.id}
                label={`Details of ${label}`}
                columns={4}
                detail={<JsonBlock value={event} label={`Event ${label} as JSON`} />}
              >
                <Table.Td fw={500}>{label}</Table.Td>
                <Table.Td>
                  <Badge variant="light" size="sm">
                    {event.type}
                  </Badge>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }} title={event.timestamp}>
                  {formatDate(event.timestamp)}
                </Table.Td>
                <Table.Td>
                  <KeyProperties values={shown} />
                </Table.Td>
              </ExpandableRow>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
