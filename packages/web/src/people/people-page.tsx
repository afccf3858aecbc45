import { Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import type { LifecycleStage } from '@tandem/contract';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { equalsFilter, filterValue, type ListFilterParams, useListView } from '../views/use-list-view';
import { ViewBar } from '../views/view-bar';
import { BulkEditBar } from './bulk-edit-bar';
import { ContactsTable, PEOPLE_COLUMNS, PEOPLE_SORTS } from './contacts-table';
import { crmQueryKey, type PeopleFilters, peopleApi } from './crm-api';
import { LIFECYCLE_OPTIONS } from './lifecycle-labels';
import { NewPersonModal } from './new-person-modal';
import { PeopleSearch } from './people-search';
import { useCanWriteCrm, useCrmMembers } from './use-crm-members';

/** The list's filters in the address (`q`, `owner`, `stage`) and as a saved view's. */
const PEOPLE_FILTERS: ListFilterParams = {
  names: ['q', 'owner', 'stage'],
  toFilters: (params) => [
    ...(params.get('q')
      ? [{ field: 'q', operator: 'starts_with' as const, value: params.get('q') ?? '' }]
      : []),
    ...equalsFilter(params, 'owner', 'owner_id'),
    ...equalsFilter(params, 'stage', 'lifecycle_stage'),
  ],
  fromFilters: (filters) => {
    const params: Record<string, string> = {};
    const q = filterValue(filters, 'q', ['starts_with', 'contains']);
    const owner = filterValue(filters, 'owner_id');
    const stage = filterValue(filters, 'lifecycle_stage');
    if (q) params.q = q;
    if (owner) params.owner = owner;
    if (stage) params.stage = stage;
    return params;
  },
};

/**
 * `/people`: the contacts list, every profile with its CRM columns, filtered, sorted, saved as
 * views, exported and edited in bulk.
 */
export function PeoplePage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const members = useCrmMembers();
  // Search and filters live in the address, so going back from a person returns to the same list.
  const [searchParams, setSearchParams] = useSearchParams();
  const filters: PeopleFilters = {
    q: searchParams.get('q') ?? undefined,
    ownerId: searchParams.get('owner') ?? undefined,
    lifecycleStage: (searchParams.get('stage') as LifecycleStage | null) ?? undefined, // checked by the server
  };
  const view = useListView(
    'people',
    PEOPLE_FILTERS,
    PEOPLE_COLUMNS.map((c) => c.key),
  );
  const query = { ...filters, sort: view.sort };
  const setFilter = (name: string, value: string | null) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearchParams(next, { replace: true });
  };
  const people = usePagedQuery([...crmQueryKey(session.workspace.id), 'people', query], (cursor) =>
    peopleApi.list(query, cursor),
  );
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [creating, setCreating] = useState(false);

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>People</Title>
          <Text c="dimmed">
            One profile per person, merged from every identifier, event and trait, with who owns them and
            where they are in the relationship.
          </Text>
        </div>
        {canWrite && <Button onClick={() => setCreating(true)}>New person</Button>}
      </Group>
      <ViewBar
        entity="people"
        allLabel="All people"
        view={view}
        columns={PEOPLE_COLUMNS}
        sorts={PEOPLE_SORTS}
      />
      <Group align="flex-end">
        <PeopleSearch key={view.viewId ?? ''} value={filters.q ?? ''} onSearch={(q) => setFilter('q', q)} />
        <Select
          label="Lifecycle stage"
          placeholder="Any stage"
          data={LIFECYCLE_OPTIONS}
          value={filters.lifecycleStage ?? null}
          onChange={(value) => setFilter('stage', value)}
          clearable
          w={180}
        />
        <Select
          label="Owner"
          placeholder="Anyone"
          data={[{ value: 'me', label: 'Me' }, ...members.options.filter((o) => o.value !== members.me)]}
          value={filters.ownerId ?? null}
          onChange={(value) => setFilter('owner', value)}
          clearable
          w={220}
        />
      </Group>
      {canWrite && selected.size > 0 && (
        <BulkEditBar profileIds={[...selected]} onDone={() => setSelected(new Set())} />
      )}
      <QueryState isPending={people.isPending} error={people.error} refetch={people.refetch}>
        <ContactsTable
          people={people.items}
          columns={view.columns}
          filtered={Boolean(filters.q ?? filters.ownerId ?? filters.lifecycleStage)}
          selected={canWrite ? selected : undefined}
          onSelect={setSelected}
          paging={people}
        />
      </QueryState>
      {creating && <NewPersonModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}
