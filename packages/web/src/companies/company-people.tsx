import { Alert, Anchor, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Company } from '@tandem/contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { crmQueryKey, peopleApi } from '../people/crm-api';
import { useCanWriteCrm } from '../people/use-crm-members';
import { companiesApi } from './companies-api';

/** A company's people: linked by group calls, by email domain or here by hand. */
export function CompanyPeople({ company, onChanged }: { company: Company; onChanged: () => unknown }) {
  const canWrite = useCanWriteCrm();
  const remove = useMutation({ mutationFn: companiesApi.removePerson, onSuccess: onChanged });
  return (
    <Stack>
      {canWrite && <AddPerson company={company} onChanged={onChanged} />}
      {company.people.length === 0 ? (
        <Text c="dimmed">Nobody linked yet.</Text>
      ) : (
        <Table aria-label="Company people">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              {canWrite && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {company.people.map((person) => (
              <Table.Tr key={person.profileId}>
                <Table.Td>
                  <Anchor component={Link} to={`/people/${encodeURIComponent(person.profileId)}`}>
                    {person.name ?? person.email ?? person.profileId}
                  </Anchor>
                </Table.Td>
                <Table.Td>{person.email ?? '—'}</Table.Td>
                {canWrite && (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => remove.mutate({ companyId: company.id, profileId: person.profileId })}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {remove.error && (
        <Alert color="red" role="alert">
          {errorMessage(remove.error)}
        </Alert>
      )}
    </Stack>
  );
}

function AddPerson({ company, onChanged }: { company: Company; onChanged: () => unknown }) {
  const session = useCurrentSession();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [picked, setPicked] = useState<string | null>(null);
  const found = useQuery({
    queryKey: [...crmQueryKey(session.workspace.id), 'people', 'pick', q],
    queryFn: () => peopleApi.list({ q }, null),
    enabled: q.length > 0,
  });
  const add = useMutation({
    mutationFn: companiesApi.addPerson,
    onSuccess: async () => {
      setPicked(null);
      setSearch('');
      await onChanged();
    },
  });
  const options = (found.data?.data ?? []).map((p) => ({
    value: p.profileId,
    label: [p.name, p.email].filter(Boolean).join(' · ') || p.profileId,
  }));
  return (
    <Stack gap="xs">
      <Group align="flex-end">
        <Select
          label="Add a person"
          placeholder="Search by email or name"
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          data={options}
          value={picked}
          onChange={setPicked}
          filter={({ options: all }) => all}
          nothingFoundMessage={q ? 'Nobody matches' : undefined}
          w={360}
        />
        <Button
          disabled={!picked}
          loading={add.isPending}
          onClick={() => picked && add.mutate({ companyId: company.id, profileId: picked })}
        >
          Add
        </Button>
      </Group>
      {add.error && (
        <Alert color="red" role="alert">
          {errorMessage(add.error)}
        </Alert>
      )}
    </Stack>
  );
}
