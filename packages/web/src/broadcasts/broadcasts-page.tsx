import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type Broadcast, roleAllows } from '@tandem/contract';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { emailApi, emailQueryKey } from '../email/email-api';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { broadcastsApi, broadcastsQueryKey, type NewBroadcast } from './broadcasts-api';

const STATUS_COLORS: Record<Broadcast['status'], string> = {
  draft: 'gray',
  scheduled: 'blue',
  sending: 'yellow',
  sent: 'green',
  cancelled: 'red',
};

export function BroadcastStatus(props: { status: Broadcast['status'] }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[props.status]}>
      {props.status}
    </Badge>
  );
}

/** `/broadcasts`: one email to an audience, now or later, throttled; the list with their counts. */
export function BroadcastsPage() {
  const session = useCurrentSession();
  // Counts move while broadcasts send: every page loaded is refetched every few seconds.
  const broadcasts = useInfiniteQuery({
    queryKey: [...broadcastsQueryKey(session.workspace.id), 'list'],
    queryFn: ({ pageParam }) => broadcastsApi.list(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    refetchInterval: 5000,
  });
  const items = useMemo(() => broadcasts.data?.pages.flatMap((page) => page.data) ?? [], [broadcasts.data]);
  return (
    <Stack>
      <div>
        <Title order={2}>Broadcasts</Title>
        <Text c="dimmed" maw={760}>
          One email template to every member of an audience, at once or at a time you choose, at most so many
          a minute.
        </Text>
      </div>
      {roleAllows(session.role, 'audiences:write') && <BroadcastComposer />}
      <QueryState isPending={broadcasts.isPending} error={broadcasts.error} refetch={broadcasts.refetch}>
        {broadcasts.data && items.length === 0 && <Text c="dimmed">No broadcasts yet.</Text>}
        {items.length > 0 && (
          <Table aria-label="Broadcasts" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Send at</Table.Th>
                <Table.Th>Recipients</Table.Th>
                <Table.Th>Sent</Table.Th>
                <Table.Th>Opened</Table.Th>
                <Table.Th>Clicked</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((broadcast) => (
                <Table.Tr key={broadcast.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/broadcasts/${encodeURIComponent(broadcast.id)}`} fw={500}>
                      {broadcast.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <BroadcastStatus status={broadcast.status} />
                  </Table.Td>
                  <Table.Td>{formatDate(broadcast.sendAt)}</Table.Td>
                  <Table.Td>{broadcast.recipients.toLocaleString('en-US')}</Table.Td>
                  <Table.Td>{broadcast.sent.toLocaleString('en-US')}</Table.Td>
                  <Table.Td>{broadcast.opened.toLocaleString('en-US')}</Table.Td>
                  <Table.Td>{broadcast.clicked}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <LoadMoreButton {...broadcasts} />
      </QueryState>
    </Stack>
  );
}

/** The composer: template, audience, now or scheduled, the per-minute throttle. */
function BroadcastComposer() {
  const session = useCurrentSession();
  const navigate = useNavigate();
  const templates = useQuery({
    queryKey: [...emailQueryKey(session.workspace.id), 'templates'],
    queryFn: () => emailApi.templates(),
  });
  const audiences = useQuery({
    queryKey: [...broadcastsQueryKey(session.workspace.id), 'audiences'],
    queryFn: broadcastsApi.audiences,
  });
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [audienceId, setAudienceId] = useState<string | null>(null);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [sendAt, setSendAt] = useState('');
  const [perMinute, setPerMinute] = useState<number | ''>('');
  const members = audiences.data?.data.find((a) => a.id === audienceId)?.memberCount;
  const create = useMutation({
    mutationFn: (input: NewBroadcast) => broadcastsApi.create(input),
    onSuccess: (broadcast) => navigate(`/broadcasts/${encodeURIComponent(broadcast.id)}`),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!templateId || !audienceId) return;
    create.mutate({
      ...(name.trim() ? { name: name.trim() } : {}),
      templateId,
      audienceId,
      ...(when === 'later' && sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
      ...(perMinute === '' ? {} : { perMinute }),
    });
  };
  return (
    <Paper withBorder p="md" maw={760}>
      <form onSubmit={submit} aria-label="New broadcast">
        <Stack gap="xs">
          <Title order={4}>New broadcast</Title>
          <TextInput
            label="Name"
            placeholder="The template's name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Group grow align="flex-start">
            <Select
              label="Template"
              required
              data={(templates.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
              value={templateId}
              onChange={setTemplateId}
            />
            <Select
              label="Audience"
              required
              data={(audiences.data?.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
              value={audienceId}
              onChange={setAudienceId}
              description={
                members === undefined
                  ? undefined
                  : `${members.toLocaleString()} ${members === 1 ? 'person' : 'people'} in it now`
              }
              inputWrapperOrder={['label', 'input', 'description', 'error']}
            />
          </Group>
          {members === 0 && (
            <Alert color="yellow" variant="light" role="status">
              Nobody is in this audience now: sent now, the broadcast reaches no one. A scheduled one goes to
              whoever is in it at the time.
            </Alert>
          )}
          <Group align="flex-end">
            <SegmentedControl
              aria-label="When"
              value={when}
              onChange={(value) => setWhen(value === 'later' ? 'later' : 'now')}
              data={[
                { value: 'now', label: 'Send now' },
                { value: 'later', label: 'Schedule' },
              ]}
            />
            {when === 'later' && (
              <TextInput
                type="datetime-local"
                label="Send at"
                required
                value={sendAt}
                onChange={(e) => setSendAt(e.currentTarget.value)}
              />
            )}
            <NumberInput
              label="At most per minute"
              placeholder="The workspace's rate"
              min={1}
              value={perMinute}
              onChange={(v) => setPerMinute(typeof v === 'number' ? v : '')}
            />
          </Group>
          {create.error && (
            <Alert color="red" role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={create.isPending} disabled={!templateId || !audienceId}>
              {when === 'now' ? 'Send broadcast' : 'Schedule broadcast'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
