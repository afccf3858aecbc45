import { Button, Group, Modal, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { TaskForm } from '../people/activity-composer';
import { crmQueryKey, type TaskFilters, tasksApi } from '../people/crm-api';
import { useCanWriteCrm } from '../people/use-crm-members';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { TaskList } from './task-list';

const QUEUES: Record<string, { label: string; filters: TaskFilters; empty: string }> = {
  mine: {
    label: 'My open tasks',
    filters: { assignee: 'me', status: 'open' },
    empty: 'Nothing on your list.',
  },
  overdue: {
    label: 'My overdue',
    filters: { assignee: 'me', status: 'open', overdue: 'true' },
    empty: 'Nothing overdue. Well done.',
  },
  team: { label: 'All open', filters: { status: 'open' }, empty: 'The team has no open tasks.' },
  teamOverdue: {
    label: 'All overdue',
    filters: { status: 'open', overdue: 'true' },
    empty: 'Nothing overdue across the team.',
  },
  done: {
    label: 'My completed',
    filters: { assignee: 'me', status: 'done' },
    empty: 'No completed tasks yet.',
  },
};

/** `/tasks`: "my tasks", the overdue queue, the team's tasks; complete them in place. */
export function TasksPage() {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const [searchParams, setSearchParams] = useSearchParams();
  const queueName = searchParams.get('queue') ?? 'mine';
  const queue = QUEUES[queueName] ?? QUEUES.mine;
  const filters = queue?.filters ?? {};
  const tasks = usePagedQuery([...crmQueryKey(session.workspace.id), 'tasks', filters], (cursor) =>
    tasksApi.list(filters, cursor),
  );
  const [creating, setCreating] = useState(false);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Tasks</Title>
          <Text c="dimmed">To-dos for your team, soonest due first, linked to the people they concern.</Text>
        </div>
        {canWrite && <Button onClick={() => setCreating(true)}>New task</Button>}
      </Group>
      <SegmentedControl
        aria-label="Queue"
        value={queueName in QUEUES ? queueName : 'mine'}
        onChange={(value) => setSearchParams({ queue: value }, { replace: true })}
        data={Object.entries(QUEUES).map(([value, q]) => ({ value, label: q.label }))}
        style={{ alignSelf: 'flex-start' }}
      />
      <QueryState isPending={tasks.isPending} error={tasks.error} refetch={tasks.refetch}>
        <TaskList tasks={tasks.items} empty={queue?.empty ?? ''} />
        <LoadMoreButton {...tasks} />
      </QueryState>
      {creating && (
        <Modal opened onClose={() => setCreating(false)} title="New task" size="lg">
          <TaskForm target={{}} onCreated={() => setCreating(false)} />
        </Modal>
      )}
    </Stack>
  );
}
