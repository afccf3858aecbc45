import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type EmailTopic, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { QueryState } from '../shared/query-state';
import { emailPreferencesApi, emailPreferencesQueryKey } from './email-preferences-api';

/** The workspace's subscription topics: opt-in (nobody until they say yes) or opt-out. */
export function TopicsSection() {
  const session = useCurrentSession();
  const canManage = roleAllows(session.role, 'audiences:write');
  const topics = useQuery({
    queryKey: [...emailPreferencesQueryKey(session.workspace.id), 'topics'],
    queryFn: emailPreferencesApi.topics,
  });
  // undefined: closed; null: a new topic; a topic: editing it.
  const [editing, setEditing] = useState<EmailTopic | null | undefined>(undefined);
  const list = topics.data?.data ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-label="Topics">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Topics</Title>
        {canManage && <Button onClick={() => setEditing(null)}>Add topic</Button>}
      </Group>
      <QueryState isPending={topics.isPending} error={topics.error} refetch={topics.refetch}>
        {list.length === 0 ? (
          <Text c="dimmed" size="sm">
            No topics yet. Marketing email without a topic goes to everyone not unsubscribed from all.
          </Text>
        ) : (
          <Table aria-label="Subscription topics" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Topic</Table.Th>
                <Table.Th>Until people choose</Table.Th>
                {canManage && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((topic) => (
                <Table.Tr key={topic.id}>
                  <Table.Td>
                    <Text fw={500}>{topic.name}</Text>
                    <Text size="sm" c="dimmed">
                      {topic.description}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={topic.defaultSubscribed ? 'green' : 'gray'}>
                      {topic.defaultSubscribed ? 'Subscribed (opt-out)' : 'Not subscribed (opt-in)'}
                    </Badge>
                  </Table.Td>
                  {canManage && (
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          aria-label={`Edit ${topic.name}`}
                          onClick={() => setEditing(topic)}
                        >
                          Edit
                        </Button>
                        <RemoveTopicButton topic={topic} />
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      {editing !== undefined && <TopicFormModal topic={editing} onClose={() => setEditing(undefined)} />}
    </Paper>
  );
}

function TopicFormModal({ topic, onClose }: { topic: EmailTopic | null; onClose: () => void }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState(topic?.name ?? '');
  const [description, setDescription] = useState(topic?.description ?? '');
  const [defaultSubscribed, setDefaultSubscribed] = useState(topic?.defaultSubscribed ?? false);
  const save = useMutation({
    mutationFn: () => {
      const fields = { name: name.trim(), description: description.trim(), defaultSubscribed };
      return topic
        ? emailPreferencesApi.updateTopic({ id: topic.id, ...fields })
        : emailPreferencesApi.createTopic(fields);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: emailPreferencesQueryKey(session.workspace.id) });
      onClose();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={topic ? `Edit ${topic.name}` : 'Add a topic'}>
      <form onSubmit={submit} aria-label={topic ? 'Edit topic' : 'Add topic'}>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Textarea
            label="Description"
            description="Shown to people on their preference page"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Switch
            label="Subscribe everyone until they say no (opt-out)"
            checked={defaultSubscribed}
            onChange={(e) => setDefaultSubscribed(e.currentTarget.checked)}
          />
          {save.error ? (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save topic
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RemoveTopicButton({ topic }: { topic: EmailTopic }) {
  const session = useCurrentSession();
  return (
    <ConfirmedMutationButton
      label="Remove"
      ariaLabel={`Remove ${topic.name}`}
      question={`Remove “${topic.name}”? People’s choices stay in their history. A topic that templates belong to stays until they move to another.`}
      confirmLabel="Remove topic"
      run={() => emailPreferencesApi.deleteTopic(topic.id)}
      invalidates={emailPreferencesQueryKey(session.workspace.id)}
    />
  );
}
