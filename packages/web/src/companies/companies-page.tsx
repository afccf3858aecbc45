import { Alert, Anchor, Button, Group, Modal, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import type { CompanySummary } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey } from '../people/crm-api';
import { PeopleSearch } from '../people/people-search';
import { useCanWriteCrm, useCrmMembers } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { equalsFilter, filterValue, type ListFilterParams, useListView } from '../views/use-list-view';
import { ViewBar } from '../views/view-bar';
import { type ListColumn, VirtualTable } from '../views/virtual-table';
import { type CompanyFilters, companiesApi } from './companies-api';

/** The list's columns; their keys are the export's. */
const COMPANY_COLUMNS = [
  { key: 'name', label: 'Name' },
  { key: 'domains', label: 'Domains' },
  { key: 'owner_id', label: 'Owner' },
  { key: 'people', label: 'People' },
  { key: 'updated_at', label: 'Updated' },
] as const;

const COMPANY_SORTS = [
  { value: 'name', label: 'Name A→Z' },
  { value: '-name', label: 'Name Z→A' },
  { value: '-updated_at', label: 'Recently updated' },
  { value: '-created_at', label: 'Newest first' },
];

/** The list's filters in the address (`q`, `owner`) and as a saved view's. */
const COMPANY_FILTERS: ListFilterParams = {
  names: ['q', 'owner'],
  toFilters: (params) => [
    ...(params.get('q')
      ? [{ field: 'q', operator: 'starts_with' as const, value: params.get('q') ?? '' }]
      : []),
    ...equalsFilter(params, 'owner', 'owner_id'),
  ],
  fromFilters: (filters) => {
    const params: Record<string, string> = {};
    const q = filterValue(filters, 'q', ['starts_with', 'contains']);
    const owner = filterValue(filters, 'owner_id');
    if (q) params.q = q;
    if (owner) params.owner = owner;
    return params;
  },
};

/** `/companies`: the accounts people belong to, searched by name or domain; duplicates to merge. */
export function CompaniesPage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const members = useCrmMembers();
  const [searchParams, setSearchParams] = useSearchParams();
  const q = searchParams.get('q') ?? '';
  const view = useListView(
    'companies',
    COMPANY_FILTERS,
    COMPANY_COLUMNS.map((c) => c.key),
  );
  const filters: CompanyFilters = { q, ownerId: searchParams.get('owner') ?? undefined, sort: view.sort };
  const setFilter = (name: string, value: string | null) =>
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  const companies = usePagedQuery([...crmQueryKey(session.workspace.id), 'companies', filters], (cursor) =>
    companiesApi.list(filters, cursor),
  );
  const { nameOf } = members;
  const columnKeys = view.columns.join(',');
  // Kept while the columns and the members are the same: unchanged rows are then not redrawn.
  const shownColumns = useMemo(() => {
    const all: Record<string, ListColumn<CompanySummary>> = {
      name: {
        key: 'name',
        label: 'Name',
        render: (company) => (
          <Anchor component={Link} to={`/companies/${encodeURIComponent(company.id)}`} fw={500}>
            {company.name}
          </Anchor>
        ),
      },
      domains: { key: 'domains', label: 'Domains', render: (company) => company.domains.join(', ') || '—' },
      owner_id: {
        key: 'owner_id',
        label: 'Owner',
        render: (company) => nameOf(company.ownerId) ?? '—',
      },
      people: { key: 'people', label: 'People', render: (company) => company.people, align: 'right' },
      updated_at: { key: 'updated_at', label: 'Updated', render: (company) => formatDate(company.updatedAt) },
    };
    return columnKeys.split(',').flatMap((key) => all[key] ?? []);
  }, [columnKeys, nameOf]);

  const duplicates = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'companies', 'duplicates'],
    queryFn: companiesApi.duplicates,
  });
  const [creating, setCreating] = useState(false);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Companies</Title>
          <Text c="dimmed">The accounts your people belong to: from group calls, or added here.</Text>
        </div>
        {canWrite && <Button onClick={() => setCreating(true)}>New company</Button>}
      </Group>
      {(duplicates.data?.data.length ?? 0) > 0 && (
        <Alert color="yellow" title="Possible duplicates">
          {duplicates.data?.data.map((group) => (
            <Text key={group.domain} size="sm">
              {group.domain}:{' '}
              {group.companies.map((company, i) => (
                <span key={company.id}>
                  {i > 0 && ', '}
                  <Anchor component={Link} to={`/companies/${encodeURIComponent(company.id)}`}>
                    {company.name}
                  </Anchor>
                </span>
              ))}
              {' — open one to merge the others into it.'}
            </Text>
          ))}
        </Alert>
      )}
      <ViewBar
        entity="companies"
        allLabel="All companies"
        view={view}
        columns={COMPANY_COLUMNS}
        sorts={COMPANY_SORTS}
      />
      <Group align="flex-end">
        <PeopleSearchAsCompanies
          key={view.viewId ?? ''}
          value={q}
          onSearch={(next) => setFilter('q', next)}
        />
        <Select
          label="Owner"
          placeholder="Anyone"
          data={members.options}
          value={filters.ownerId ?? null}
          onChange={(value) => setFilter('owner', value)}
          clearable
          w={220}
        />
      </Group>
      <QueryState isPending={companies.isPending} error={companies.error} refetch={companies.refetch}>
        <VirtualTable
          label="Companies"
          items={companies.items}
          columns={shownColumns}
          rowKey={(company) => company.id}
          paging={companies}
          empty={q || filters.ownerId ? 'No company matches this search.' : 'No companies yet.'}
        />
      </QueryState>
      {creating && <NewCompanyModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}

/** The people search box, worded for companies. */
function PeopleSearchAsCompanies(props: { value: string; onSearch: (q: string) => void }) {
  return (
    <PeopleSearch
      {...props}
      label="Search companies"
      description="The beginning of a name or a domain"
      placeholder="acme.com"
    />
  );
}

function NewCompanyModal({ onClose }: { onClose: () => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const create = useMutation({
    mutationFn: companiesApi.create,
    onSuccess: async (company) => {
      await queryClient.invalidateQueries({ queryKey: crmQueryKey(session.workspace.id) });
      navigate(`/companies/${encodeURIComponent(company.id)}`);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), ...(domain.trim() ? { domain: domain.trim() } : {}) });
  };
  return (
    <Modal opened onClose={onClose} title="New company">
      <form onSubmit={submit} aria-label="New company">
        <Stack>
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput
            label="Domain"
            placeholder="acme.com"
            value={domain}
            onChange={(e) => setDomain(e.currentTarget.value)}
          />
          {create.error && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={name.trim() === ''}>
              Create company
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
