import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useCanWriteCrm } from '../people/use-crm-members';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { listsApi, listsQueryKey } from './lists-api';

/** `/lists`: static lists — people added by hand, by journeys and by the API. */
export function ListsPage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const lists = useQuery({ queryKey: listsQueryKey(session.workspace.id), queryFn: listsApi.list });
  return (
    <Stack>
      <div>
        <Title order={2}>Lists</Title>
        <Text c="dimmed" maw={760}>
          Static lists keep the people put on them — by hand, by a journey’s list step or through the API —
          until they are taken off. Enroll a whole list in a sales sequence from its page.
        </Text>
      </div>
      {canWrite && <NewListForm />}
      <QueryState isPending={lists.isPending} error={lists.error} refetch={lists.refetch}>
        {lists.data?.data.length === 0 ? (
          <Text c="dimmed">No lists yet.</Text>
        ) : (
          <Table aria-label="Lists" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>People</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lists.data?.data.map((list) => (
                <Table.Tr key={list.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/lists/${encodeURIComponent(list.id)}`}>
                      {list.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{list.members}</Table.Td>
                  <Table.Td>{list.description}</Table.Td>
                  <Table.Td>{formatDate(list.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}

function NewListForm() {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: listsApi.create,
    onSuccess: () => {
      setName('');
      setDescription('');
      return queryClient.invalidateQueries({ queryKey: listsQueryKey(session.workspace.id) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name, description });
  };
  return (
    <Paper withBorder p="sm" component="form" onSubmit={submit} aria-label="List name">
      <Group align="flex-end">
        <TextInput
          label="List name"
          placeholder="Webinar attendees"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          w={360}
        />
        <Button type="submit" loading={create.isPending}>
          Create list
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
