import { Anchor, Badge, Checkbox, Group, Table, Text } from '@mantine/core';
import type { PersonSummary } from '@tandem/contract';
import { Link } from 'react-router';
import { formatDate } from '../shared/format-date';
import { LIFECYCLE_LABELS } from './lifecycle-labels';
import { useCrmMembers } from './use-crm-members';

type ContactsTableProps = {
  people: readonly PersonSummary[];
  filtered: boolean;
  /** The people picked for a bulk edit; no check boxes when omitted (a role that only reads). */
  selected: ReadonlySet<string> | undefined;
  onSelect: (next: ReadonlySet<string>) => void;
};

export function ContactsTable({ people, filtered, selected, onSelect }: ContactsTableProps) {
  const members = useCrmMembers();
  if (people.length === 0) {
    return (
      <Text c="dimmed">
        {filtered
          ? 'Nobody matches these filters.'
          : 'No people yet. A profile appears as soon as a source sends an event, or add one with New person.'}
      </Text>
    );
  }
  const toggle = (profileId: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(profileId);
    else next.delete(profileId);
    onSelect(next);
  };
  const allOn = selected !== undefined && people.every((p) => selected.has(p.profileId));
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table aria-label="People" striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            {selected && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select everyone shown"
                  checked={allOn}
                  indeterminate={!allOn && selected.size > 0}
                  onChange={(event) =>
                    onSelect(
                      event.currentTarget.checked ? new Set(people.map((p) => p.profileId)) : new Set(),
                    )
                  }
                />
              </Table.Th>
            )}
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Owner</Table.Th>
            <Table.Th>Lifecycle stage</Table.Th>
            <Table.Th>Lead status</Table.Th>
            <Table.Th>Tags</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((person) => {
            const label = person.name ?? person.email ?? person.profileId;
            return (
              <Table.Tr key={person.profileId}>
                {selected && (
                  <Table.Td>
                    <Checkbox
                      aria-label={`Select ${label}`}
                      checked={selected.has(person.profileId)}
                      onChange={(event) => toggle(person.profileId, event.currentTarget.checked)}
                    />
                  </Table.Td>
                )}
                <Table.Td>
                  <Anchor component={Link} to={`/people/${encodeURIComponent(person.profileId)}`} fw={500}>
                    {label}
                  </Anchor>
                </Table.Td>
                <Table.Td>{person.email ?? '—'}</Table.Td>
                <Table.Td>{members.nameOf(person.ownerId) ?? '—'}</Table.Td>
                <Table.Td>{person.lifecycleStage ? LIFECYCLE_LABELS[person.lifecycleStage] : '—'}</Table.Td>
                <Table.Td>{person.leadStatus ?? '—'}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {person.tags.map((tag) => (
                      <Badge key={tag} variant="light" size="sm">
                        {tag}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(person.updatedAt)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
