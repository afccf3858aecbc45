import { Anchor, Badge, Checkbox, Group, Stack, Table, Text } from '@mantine/core';
import type { Task } from '@tandem/contract';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { tasksApi } from '../people/crm-api';
import { useCanWriteCrm, useCrmMembers } from '../people/use-crm-members';
import { useRefreshAfterCrmWrite } from '../people/use-person';
import { formatDate } from '../shared/format-date';

type TaskListProps = { tasks: readonly Task[]; empty: string; showPerson?: boolean };

const PRIORITY_COLORS = { low: 'gray', normal: 'blue', high: 'red' } as const;

/** Tasks with a box to complete (or reopen) each; overdue ones stand out. */
export function TaskList({ tasks, empty, showPerson = true }: TaskListProps) {
  const members = useCrmMembers();
  const canWrite = useCanWriteCrm();
  const refresh = useRefreshAfterCrmWrite();
  const complete = useMutation({ mutationFn: tasksApi.update, onSuccess: refresh });
  if (tasks.length === 0) return <Text c="dimmed">{empty}</Text>;
  const toggle = (task: Task, done: boolean) =>
    complete.mutate({ taskId: task.id, patch: { status: done ? 'done' : 'open' } });
  if (!showPerson) {
    // Beside a record: each task on its own lines, the record being the page itself.
    return (
      <Stack gap="xs" role="list" aria-label="Tasks">
        {tasks.map((task) => (
          <Group key={task.id} gap="xs" wrap="nowrap" align="flex-start" role="listitem">
            <Checkbox
              mt={2}
              aria-label={`${task.status === 'done' ? 'Reopen' : 'Complete'} ${task.title}`}
              checked={task.status === 'done'}
              disabled={!canWrite}
              onChange={(event) => toggle(task, event.currentTarget.checked)}
            />
            <div>
              <Text size="sm" fw={500}>
                {task.title}
              </Text>
              <Text size="xs" c={task.overdue ? 'red' : 'dimmed'}>
                Due {formatDate(task.dueAt)}
                {task.overdue ? ' · overdue' : ''} · {task.priority} priority
              </Text>
            </div>
          </Group>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label="Tasks" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40} aria-label="Done" />
            <Table.Th>Task</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>About</Table.Th>
            <Table.Th>Assignee</Table.Th>
            <Table.Th>Priority</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tasks.map((task) => (
            <Table.Tr key={task.id}>
              <Table.Td>
                <Checkbox
                  aria-label={`${task.status === 'done' ? 'Reopen' : 'Complete'} ${task.title}`}
                  checked={task.status === 'done'}
                  disabled={!canWrite}
                  onChange={(event) => toggle(task, event.currentTarget.checked)}
                />
              </Table.Td>
              <Table.Td td={task.status === 'done' ? 'line-through' : undefined}>{task.title}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text span size="sm" c={task.overdue ? 'red' : undefined} fw={task.overdue ? 600 : undefined}>
                  {formatDate(task.dueAt)}
                  {task.overdue ? ' · overdue' : ''}
                </Text>
              </Table.Td>
              {
                <Table.Td>
                  {task.profileId ? (
                    <Anchor component={Link} to={`/people/${encodeURIComponent(task.profileId)}`} size="sm">
                      {task.personName ?? 'A person'}
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              }
              <Table.Td>{members.nameOf(task.assigneeId) ?? 'Unassigned'}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={PRIORITY_COLORS[task.priority]} size="sm">
                  {task.priority}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
