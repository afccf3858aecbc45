import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { broadcastsApi, broadcastsQueryKey } from './broadcasts-api';
import { BroadcastStatus } from './broadcasts-page';

/** `/broadcasts/:id`: the report of one broadcast, refreshed while it sends. */
export function BroadcastPage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const key = [...broadcastsQueryKey(session.workspace.id), id];
  const broadcast = useQuery({
    queryKey: key,
    queryFn: () => broadcastsApi.get(id),
    refetchInterval: (query) =>
      query.state.data?.status === 'sent' || query.state.data?.status === 'cancelled' ? false : 2000,
  });
  const cancel = useMutation({
    mutationFn: () => broadcastsApi.cancel(id),
    onSuccess: (cancelled) => queryClient.setQueryData(key, cancelled),
  });
  const b = broadcast.data;
  return (
    <Stack>
      <Anchor component={Link} to="/broadcasts" size="sm">
        ← Broadcasts
      </Anchor>
      <QueryState isPending={broadcast.isPending} error={broadcast.error} refetch={broadcast.refetch}>
        {b && (
          <Stack>
            <Group>
              <Title order={2}>{b.name}</Title>
              <BroadcastStatus status={b.status} />
              {roleAllows(session.role, 'audiences:write') &&
                (b.status === 'scheduled' || b.status === 'sending') && (
                  <Button
                    variant="subtle"
                    color="red"
                    ml="auto"
                    onClick={() => cancel.mutate()}
                    loading={cancel.isPending}
                  >
                    Cancel broadcast
                  </Button>
                )}
            </Group>
            <Text c="dimmed" size="sm">
              Send at {formatDate(b.sendAt)}
              {b.perMinute ? `, at most ${b.perMinute.toLocaleString('en-US')} a minute` : ''}. Started{' '}
              {formatDate(b.startedAt)}, finished {formatDate(b.finishedAt)}.
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 4 }} aria-label="Broadcast report">
              {(
                [
                  ['Recipients', b.recipients],
                  ['Sent', b.sent],
                  ['Delivered', b.delivered],
                  ['Opened', b.opened],
                  ['Clicked', b.clicked],
                  ['Bounced', b.bounced],
                  ['Unsubscribed', b.unsubscribed],
                  ['Skipped', b.skipped],
                ] as const
              ).map(([label, value]) => (
                <Paper key={label} withBorder p="sm">
                  <Text size="xs" c="dimmed" tt="uppercase">
                    {label}
                  </Text>
                  <Text size="xl" fw={600} data-testid={`count-${label.toLowerCase()}`}>
                    {value.toLocaleString('en-US')}
                  </Text>
                </Paper>
              ))}
            </SimpleGrid>
            <Text size="xs" c="dimmed">
              Delivered: the relay accepted the message. Opened and clicked count people, not mail proxies or
              scanners.
            </Text>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
