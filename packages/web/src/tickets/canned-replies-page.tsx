import { Alert, Button, Group, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import type { CannedReply } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { QueryState } from '../shared/query-state';
import { cannedRepliesApi, cannedRepliesKey } from './tickets-api';
import { useCanWorkTickets, useTicketMutation } from './use-ticket-queries';

/** `/canned-replies`: saved answers agents insert into replies, with placeholders from the customer. */
export function CannedRepliesPage() {
  const session = useCurrentSession();
  const canWork = useCanWorkTickets();
  const [editing, setEditing] = useState<CannedReply | 'new' | null>(null);
  const canned = useQuery({
    queryKey: cannedRepliesKey(session.workspace.id),
    queryFn: () => cannedRepliesApi.list(),
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Canned replies</Title>
        {canWork && editing === null && <Button onClick={() => setEditing('new')}>New canned reply</Button>}
      </Group>
      <Text c="dimmed" size="sm">
        Placeholders: {'{{ person.first_name }}'}, {'{{ person.email }}'}, {'{{ traits.plan }}'},{' '}
        {'{{ computedTraits.orders }}'}, {'{{ ticket.number }}'}, {'{{ ticket.subject }}'},{' '}
        {'{{ agent.name }}'}; a fallback with {'{{ person.first_name | default: "there" }}'}.
      </Text>
      {editing !== null && (
        <CannedReplyForm
          key={editing === 'new' ? 'new' : editing.id}
          reply={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <QueryState isPending={canned.isPending} error={canned.error} refetch={canned.refetch}>
        {(canned.data?.data ?? []).length === 0 ? (
          <Text c="dimmed">No canned replies yet.</Text>
        ) : (
          <Table aria-label="Canned replies" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Text</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(canned.data?.data ?? []).map((reply) => (
                <Table.Tr key={reply.id}>
                  <Table.Td fw={500}>{reply.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2} style={{ whiteSpace: 'pre-wrap' }}>
                      {reply.body}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {canWork && (
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="light" onClick={() => setEditing(reply)}>
                          Edit
                        </Button>
                        <ConfirmedMutationButton
                          label="Delete"
                          ariaLabel={`Delete ${reply.name}`}
                          question={`Delete the canned reply “${reply.name}”? Replies already sent keep their text.`}
                          confirmLabel="Delete"
                          run={() => cannedRepliesApi.remove(reply.id)}
                          invalidates={cannedRepliesKey(session.workspace.id)}
                        />
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}

function CannedReplyForm({ reply, onDone }: { reply: CannedReply | null; onDone: () => void }) {
  const [name, setName] = useState(reply?.name ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  const save = useTicketMutation(
    (input: { name: string; body: string }) =>
      reply ? cannedRepliesApi.update({ id: reply.id, ...input }) : cannedRepliesApi.create(input),
    onDone,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ name, body });
  };
  return (
    <Paper withBorder p="sm">
      <form onSubmit={submit} aria-label={reply ? 'Edit canned reply' : 'New canned reply'}>
        <Stack gap="xs">
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Textarea
            label="Text"
            required
            autosize
            minRows={4}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
          />
          {save.error && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
