import { Button, Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { QueryState } from '../shared/query-state';
import { INBOX_VIEWS, inboxViewOf } from './inbox-views';
import { NewTicketModal } from './new-ticket-modal';
import { TicketBulkBar } from './ticket-bulk-bar';
import { TicketInboxTable } from './ticket-inbox-table';
import { useCanWorkTickets, useTeams, useTicketInbox } from './use-ticket-queries';

/** `/tickets`: the inbox — views by status, assignee, team and SLA risk, live, keyboard-friendly. */
export function TicketsPage() {
  const [params, setParams] = useSearchParams();
  const view = inboxViewOf(params.get('view'));
  const teamId = params.get('team');
  const canWork = useCanWorkTickets();
  const teams = useTeams();
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const inbox = useTicketInbox({ ...view.filter, ...(teamId ? { teamId } : {}) });
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setSelected([]);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Tickets</Title>
        <Group gap="xs">
          <Button component={Link} to="/support-reports" variant="subtle" size="xs">
            Metrics
          </Button>
          <Button component={Link} to="/canned-replies" variant="subtle" size="xs">
            Canned replies
          </Button>
          {canWork && <Button onClick={() => setCreating(true)}>New ticket</Button>}
        </Group>
      </Group>
      <Group justify="space-between" align="flex-end">
        <SegmentedControl
          aria-label="Inbox view"
          data={INBOX_VIEWS.map(({ value, label }) => ({ value, label }))}
          value={view.value}
          onChange={(value) => setParam('view', value)}
        />
        <Select
          aria-label="Team"
          placeholder="Every team"
          data={(teams.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={teamId}
          onChange={(value) => setParam('team', value)}
          clearable
          w={200}
        />
      </Group>
      {canWork && selected.length > 0 && (
        <TicketBulkBar
          tickets={inbox.items.filter((t) => selected.includes(t.id))}
          onDone={() => setSelected([])}
        />
      )}
      <QueryState isPending={inbox.isPending} error={inbox.error} refetch={inbox.refetch}>
        {inbox.items.length === 0 ? (
          <Text c="dimmed">
            {view.value === 'sla' ? 'No ticket is at risk of missing its SLA.' : 'No tickets in this view.'}
          </Text>
        ) : (
          <TicketInboxTable
            tickets={inbox.items}
            selectable={canWork}
            selected={selected}
            onSelect={setSelected}
          />
        )}
        {inbox.hasNextPage && (
          <Group justify="center">
            <Button variant="subtle" loading={inbox.isFetchingNextPage} onClick={() => inbox.fetchNextPage()}>
              Load more
            </Button>
          </Group>
        )}
      </QueryState>
      <Text size="xs" c="dimmed">
        Keys: j / k move, Enter opens, x selects. The inbox refreshes every few seconds.
      </Text>
      {creating && <NewTicketModal onClose={() => setCreating(false)} />}
    </Stack>
  );
}
