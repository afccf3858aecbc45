import { Anchor, Badge, Group } from '@mantine/core';
import type { PersonSummary } from '@tandem/contract';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { PersonalValue } from '../pii/masked-badge';
import { formatDate } from '../shared/format-date';
import { type ListColumn, VirtualTable } from '../views/virtual-table';
import { LIFECYCLE_LABELS } from './lifecycle-labels';
import { useCrmMembers } from './use-crm-members';

/** The contacts list's columns; their keys are the export's (traits `name`, `email`, CRM fields). */
export const PEOPLE_COLUMNS = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'owner_id', label: 'Owner' },
  { key: 'lifecycle_stage', label: 'Lifecycle stage' },
  { key: 'lead_status', label: 'Lead status' },
  { key: 'tags', label: 'Tags' },
  { key: 'updated_at', label: 'Updated' },
] as const;

export const PEOPLE_SORTS = [
  { value: 'name', label: 'Name A→Z' },
  { value: '-name', label: 'Name Z→A' },
  { value: 'email', label: 'Email A→Z' },
  { value: '-updated_at', label: 'Recently updated' },
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
];

type ContactsTableProps = {
  people: readonly PersonSummary[];
  /** The keys of the columns shown, in order. */
  columns: readonly string[];
  filtered: boolean;
  /** The people picked for a bulk edit; no check boxes when omitted (a role that only reads). */
  selected: ReadonlySet<string> | undefined;
  onSelect: (next: ReadonlySet<string>) => void;
  paging: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
};

const labelOf = (person: PersonSummary) => person.name ?? person.email ?? person.profileId;

export function ContactsTable({ people, columns, filtered, selected, onSelect, paging }: ContactsTableProps) {
  const members = useCrmMembers();
  const { nameOf } = members;
  const columnKeys = columns.join(',');
  // Kept while the columns and the members are the same: unchanged rows are then not redrawn.
  const shown = useMemo(() => {
    const all: Record<string, ListColumn<PersonSummary>> = {
      name: {
        key: 'name',
        label: 'Name',
        render: (person) => (
          <Anchor component={Link} to={`/people/${encodeURIComponent(person.profileId)}`} fw={500}>
            <PersonalValue value={labelOf(person)}>{labelOf(person)}</PersonalValue>
          </Anchor>
        ),
      },
      email: {
        key: 'email',
        label: 'Email',
        render: (person) => <PersonalValue value={person.email}>{person.email ?? '—'}</PersonalValue>,
      },
      owner_id: { key: 'owner_id', label: 'Owner', render: (person) => nameOf(person.ownerId) ?? '—' },
      lifecycle_stage: {
        key: 'lifecycle_stage',
        label: 'Lifecycle stage',
        render: (person) => (person.lifecycleStage ? LIFECYCLE_LABELS[person.lifecycleStage] : '—'),
      },
      lead_status: { key: 'lead_status', label: 'Lead status', render: (person) => person.leadStatus ?? '—' },
      tags: {
        key: 'tags',
        label: 'Tags',
        render: (person) => (
          <Group gap={4} wrap="nowrap">
            {person.tags.map((tag) => (
              <Badge key={tag} variant="light" size="sm">
                {tag}
              </Badge>
            ))}
          </Group>
        ),
      },
      updated_at: { key: 'updated_at', label: 'Updated', render: (person) => formatDate(person.updatedAt) },
    };
    return columnKeys.split(',').flatMap((key) => all[key] ?? []);
  }, [columnKeys, nameOf]);
  return (
    <VirtualTable
      label="People"
      items={people}
      columns={shown}
      rowKey={(person) => person.profileId}
      selection={selected && { selected, onSelect, labelOf }}
      paging={paging}
      empty={
        filtered
          ? 'Nobody matches these filters.'
          : 'No people yet. A profile appears as soon as a source sends an event, or add one with New person.'
      }
    />
  );
}
