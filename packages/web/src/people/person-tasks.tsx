import { Paper, Title } from '@mantine/core';
import { TaskList } from '../tasks/task-list';
import { usePerson } from './use-person';

/** The person's open tasks, soonest due first (from their CRM view). */
export function PersonTasks({ profileId }: { profileId: string }) {
  const { person } = usePerson(profileId);
  return (
    <Paper withBorder p="sm" component="section" aria-label="Open tasks">
      <Title order={4} mb="xs">
        Open tasks
      </Title>
      <TaskList tasks={person.data?.tasks ?? []} empty="No open tasks." showPerson={false} />
    </Paper>
  );
}
