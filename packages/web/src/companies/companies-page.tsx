import { Alert, Anchor, Button, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey } from '../people/crm-api';
import { PeopleSearch } from '../people/people-search';
import { useCanWriteCrm, useCrmMembers } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { companiesApi } from './companies-api';

/** `/companies`: the accounts people belong to, searched by name or domain; duplicates to merge. */
export function CompaniesPage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const members = useCrmMembers();
  const [searchParams, setSearchParams] = useSearchParams();
  const q = searchParams.get('q') ?? '';
  const companies = usePagedQuery([...crmQueryKey(session.workspace.id), 'companies', q], (cursor) =>
    companiesApi.list(q, cursor),
  );
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
      <PeopleSearchAsCompanies
        value={q}
        onSearch={(next) => setSearchParams(next ? { q: next } : {}, { replace: true })}
      />
      <QueryState isPending={companies.isPending} error={companies.error} refetch={companies.refetch}>
        {companies.items.length === 0 ? (
          <Text c="dimmed">{q ? 'No company matches this search.' : 'No companies yet.'}</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label="Companies" striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Domains</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>People</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {companies.items.map((company) => (
                  <Table.Tr key={company.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/companies/${encodeURIComponent(company.id)}`} fw={500}>
                        {company.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{company.domains.join(', ') || '—'}</Table.Td>
                    <Table.Td>{members.nameOf(company.ownerId) ?? '—'}</Table.Td>
                    <Table.Td>{company.people}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(company.updatedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMoreButton {...companies} />
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
