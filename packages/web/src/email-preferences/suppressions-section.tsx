import { Alert, Badge, Button, Group, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import { roleAllows, type Suppression } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import {
  emailPreferencesApi,
  emailPreferencesQueryKey,
  SUPPRESSION_REASON_LABELS,
} from './email-preferences-api';

/** Addresses that get no email at all: hard bounces, spam complaints, and those added by hand. */
export function SuppressionsSection() {
  const session = useCurrentSession();
  const canManage = roleAllows(session.role, 'audiences:write');
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [address, setAddress] = useState('');
  const [note, setNote] = useState('');
  const suppressions = useQuery({
    queryKey: [...emailPreferencesQueryKey(session.workspace.id), 'suppressions', search],
    queryFn: () => emailPreferencesApi.suppressions(search.trim(), null),
  });
  const add = useMutation({
    mutationFn: emailPreferencesApi.suppress,
    onSuccess: async () => {
      setAddress('');
      setNote('');
      await queryClient.invalidateQueries({ queryKey: emailPreferencesQueryKey(session.workspace.id) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    add.mutate({ address: address.trim(), note: note.trim() });
  };
  const list = suppressions.data?.data ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-label="Suppressed addresses">
      <Title order={4} mb="sm">
        Suppressed addresses
      </Title>
      {canManage && (
        <form onSubmit={submit} aria-label="Suppress an address">
          <Group align="flex-end" mb="sm">
            <TextInput
              label="Address"
              type="email"
              required
              w={280}
              value={address}
              onChange={(e) => setAddress(e.currentTarget.value)}
            />
            <TextInput label="Note" w={260} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <Button type="submit" loading={add.isPending}>
              Suppress
            </Button>
          </Group>
          {add.error ? (
            <Alert color="red" role="alert" mb="sm">
              {errorMessage(add.error)}
            </Alert>
          ) : null}
        </form>
      )}
      <TextInput
        aria-label="Search suppressed addresses"
        placeholder="Search addresses"
        mb="sm"
        maw={360}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      <QueryState
        isPending={suppressions.isPending}
        error={suppressions.error}
        refetch={suppressions.refetch}
      >
        {list.length === 0 ? (
          <Text c="dimmed" size="sm">
            {search ? 'No suppressed address matches.' : 'No address is suppressed.'}
          </Text>
        ) : (
          <Table aria-label="Suppressed addresses" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Address</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Note</Table.Th>
                <Table.Th>Since</Table.Th>
                {canManage && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((suppression) => (
                <Table.Tr key={suppression.address}>
                  <Table.Td ff="monospace" fz="sm">
                    {suppression.address}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={suppression.reason === 'manual' ? 'gray' : 'red'}>
                      {SUPPRESSION_REASON_LABELS[suppression.reason]}
                    </Badge>
                  </Table.Td>
                  <Table.Td fz="sm">{suppression.note}</Table.Td>
                  <Table.Td fz="sm">{formatDate(suppression.createdAt)}</Table.Td>
                  {canManage && (
                    <Table.Td>
                      <RemoveSuppressionButton suppression={suppression} />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Paper>
  );
}

function RemoveSuppressionButton({ suppression }: { suppression: Suppression }) {
  const session = useCurrentSession();
  return (
    <ConfirmedMutationButton
      label="Remove"
      ariaLabel={`Remove ${suppression.address}`}
      question={`Send email to ${suppression.address} again?`}
      confirmLabel="Remove suppression"
      run={() => emailPreferencesApi.unsuppress(suppression.address)}
      invalidates={emailPreferencesQueryKey(session.workspace.id)}
    />
  );
}
