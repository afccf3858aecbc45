import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useCanWriteCrm } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { sequencesApi, sequencesQueryKey } from './sequences-api';

/** `/sequences`: sales sequences — emails and tasks that stop when the person replies. */
export function SequencesPage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const sequences = useQuery({
    queryKey: sequencesQueryKey(session.workspace.id),
    queryFn: sequencesApi.list,
  });
  return (
    <Stack>
      <div>
        <Title order={2}>Sequences</Title>
        <Text c="dimmed" maw={760}>
          A sequence sends a rep’s emails and reminds them of calls, one step after another, and stops for a
          person who replies, books a meeting, unsubscribes or bounces.
        </Text>
      </div>
      {canWrite && <NewSequenceForm />}
      <QueryState isPending={sequences.isPending} error={sequences.error} refetch={sequences.refetch}>
        {sequences.data?.data.length === 0 ? (
          <Text c="dimmed">No sequences yet.</Text>
        ) : (
          <Table aria-label="Sequences" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Steps</Table.Th>
                <Table.Th>Active enrollments</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sequences.data?.data.map((sequence) => (
                <Table.Tr key={sequence.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/sequences/${encodeURIComponent(sequence.id)}`}>
                      {sequence.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{sequence.steps.length}</Table.Td>
                  <Table.Td>{sequence.active}</Table.Td>
                  <Table.Td>{formatDate(sequence.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}

function NewSequenceForm() {
  const navigate = useNavigate();
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: sequencesApi.create,
    onSuccess: async (sequence) => {
      await queryClient.invalidateQueries({ queryKey: sequencesQueryKey(session.workspace.id) });
      navigate(`/sequences/${encodeURIComponent(sequence.id)}`);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name });
  };
  return (
    <Paper withBorder p="sm" component="form" onSubmit={submit} aria-label="Sequence name">
      <Group align="flex-end">
        <TextInput
          label="Sequence name"
          placeholder="Outbound: first touch"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <Button type="submit" loading={create.isPending}>
          Create sequence
        </Button>
      </Group>
      {create.error && (
        <Alert color="red" role="alert" mt="xs">
          {errorMessage(create.error)}
        </Alert>
      )}
    </Paper>
  );
}
