import { Anchor, Checkbox, Table, Text } from '@mantine/core';
import type { TicketListItem } from '@tandem/contract';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCrmMembers } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { SlaBadge, TicketPriorityBadge, TicketStatusBadge } from './ticket-badges';

type TicketInboxTableProps = {
  tickets: readonly TicketListItem[];
  selectable: boolean;
  selected: readonly string[];
  onSelect: (ids: string[]) => void;
};

/** The inbox's rows. j / k move the cursor row, Enter opens it, x (de)selects it. */
export function TicketInboxTable({ tickets, selectable, selected, onSelect }: TicketInboxTableProps) {
  const members = useCrmMembers();
  const navigate = useNavigate();
  const [cursor, setCursor] = useState(0);
  const toggle = (id: string) =>
    onSelect(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null; // keys typed into a field are the field's
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      const current = tickets[Math.min(cursor, tickets.length - 1)];
      if (event.key === 'j') setCursor((c) => Math.min(c + 1, tickets.length - 1));
      else if (event.key === 'k') setCursor((c) => Math.max(c - 1, 0));
      else if (event.key === 'Enter' && current && target?.tagName !== 'A' && target?.tagName !== 'BUTTON')
        navigate(`/tickets/${encodeURIComponent(current.id)}`);
      else if (event.key === 'x' && current && selectable) toggle(current.id);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const allSelected = tickets.length > 0 && tickets.every((t) => selected.includes(t.id));
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table aria-label="Tickets" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            {selectable && (
              <Table.Th w={36}>
                <Checkbox
                  aria-label="Select all"
                  checked={allSelected}
                  onChange={() => onSelect(allSelected ? [] : tickets.map((t) => t.id))}
                />
              </Table.Th>
            )}
            <Table.Th>#</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Requester</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Priority</Table.Th>
            <Table.Th>Assignee</Table.Th>
            <Table.Th>SLA</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tickets.map((ticket, index) => (
            <Table.Tr
              key={ticket.id}
              aria-selected={index === cursor}
              bg={index === cursor ? 'var(--mantine-color-blue-light)' : undefined}
            >
              {selectable && (
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ticket ${ticket.number}`}
                    checked={selected.includes(ticket.id)}
                    onChange={() => toggle(ticket.id)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Text c="dimmed">{ticket.number}</Text>
              </Table.Td>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/tickets/${encodeURIComponent(ticket.id)}`}
                  fw={ticket.status === 'new' ? 700 : 500}
                >
                  {ticket.subject}
                </Anchor>
              </Table.Td>
              <Table.Td>{ticket.requesterEmail ?? ticket.profileId}</Table.Td>
              <Table.Td>
                <TicketStatusBadge status={ticket.status} />
              </Table.Td>
              <Table.Td>
                <TicketPriorityBadge priority={ticket.priority} />
              </Table.Td>
              <Table.Td>{members.nameOf(ticket.assigneeId) ?? <Text c="dimmed">Unassigned</Text>}</Table.Td>
              <Table.Td>
                <SlaBadge sla={ticket.sla} />
              </Table.Td>
              <Table.Td>{formatDate(ticket.updatedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
