import { Alert, Badge, Group, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { type PersonEmailPreferences, roleAllows, type SubscriptionSource } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import {
  emailPreferencesApi,
  emailPreferencesQueryKey,
  SUPPRESSION_REASON_LABELS,
} from './email-preferences-api';

const SOURCE_LABELS: Record<SubscriptionSource, string> = {
  preference_page: 'preference page',
  one_click: 'one-click unsubscribe',
  link: 'unsubscribe link',
  mailto: 'unsubscribe email',
  admin: 'changed by a team member',
  api: 'API',
};

/** The profile's Email tab: subscriptions per topic, all marketing email, suppressed addresses. */
export function ProfileEmailPanel({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const canEdit = roleAllows(session.role, 'profiles:write');
  const queryKey = [...emailPreferencesQueryKey(session.workspace.id), 'person', profileId];
  const preferences = useQuery({ queryKey, queryFn: () => emailPreferencesApi.ofPerson(profileId) });
  const save = useMutation({
    mutationFn: emailPreferencesApi.updatePerson,
    onSuccess: (saved: PersonEmailPreferences) => queryClient.setQueryData(queryKey, saved),
  });
  const person = preferences.data;
  return (
    <QueryState isPending={preferences.isPending} error={preferences.error} refetch={preferences.refetch}>
      {person && (
        <Stack gap="md" aria-label="Email preferences">
          {person.suppressions.map((suppression) => (
            <Alert key={suppression.address} color="red" title={`${suppression.address} gets no email`}>
              {SUPPRESSION_REASON_LABELS[suppression.reason]} since {formatDate(suppression.createdAt)}
              {suppression.note ? ` — ${suppression.note}` : ''}
            </Alert>
          ))}
          <Switch
            label="Unsubscribed from all marketing email"
            checked={person.unsubscribedAll}
            disabled={!canEdit || save.isPending}
            onChange={(e) => save.mutate({ profileId, unsubscribedAll: e.currentTarget.checked })}
          />
          {person.topics.length > 0 && (
            <Table aria-label="Topic subscriptions" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Topic</Table.Th>
                  <Table.Th>Subscribed</Table.Th>
                  <Table.Th>Because</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {person.topics.map((topic) => (
                  <Table.Tr key={topic.topicId}>
                    <Table.Td>{topic.name}</Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={`Subscribed to ${topic.name}`}
                        checked={topic.subscribed}
                        disabled={!canEdit || save.isPending}
                        onChange={(e) =>
                          save.mutate({ profileId, topics: { [topic.topicId]: e.currentTarget.checked } })
                        }
                      />
                    </Table.Td>
                    <Table.Td fz="sm" c="dimmed">
                      {topic.source
                        ? `${SOURCE_LABELS[topic.source]}, ${formatDate(topic.changedAt)}`
                        : 'the topic’s default'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {save.error ? (
            <Text c="red" size="sm" role="alert">
              {errorMessage(save.error)}
            </Text>
          ) : null}
          {person.history.length > 0 && (
            <div>
              <Title order={5} mb="xs">
                History
              </Title>
              <Stack gap={4}>
                {person.history.slice(0, 20).map((change) => (
                  <Group key={`${change.at}-${change.topicId}-${change.source}`} gap="xs">
                    <Badge size="sm" variant="light" color={change.subscribed ? 'green' : 'gray'}>
                      {change.subscribed ? 'Subscribed' : 'Unsubscribed'}
                    </Badge>
                    <Text size="sm">
                      {change.topicId === '*'
                        ? 'all marketing email'
                        : (person.topics.find((t) => t.topicId === change.topicId)?.name ??
                          'a removed topic')}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {SOURCE_LABELS[change.source]}, {formatDate(change.at)}
                    </Text>
                  </Group>
                ))}
              </Stack>
            </div>
          )}
        </Stack>
      )}
    </QueryState>
  );
}
