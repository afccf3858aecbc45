import {
  Alert,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { ActivityKind, TaskPriority } from '@tandem/contract';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { type ActivityTarget, activitiesApi, tasksApi } from './crm-api';
import { useCrmMembers } from './use-crm-members';
import { useRefreshAfterCrmWrite } from './use-person';

type Mode = ActivityKind | 'task';
const MODES: { value: Mode; label: string; action: string; placeholder: string }[] = [
  { value: 'note', label: 'Note', action: 'Add note', placeholder: 'What happened, what was said…' },
  { value: 'call', label: 'Call', action: 'Log call', placeholder: 'Who you spoke to, the outcome…' },
  { value: 'email', label: 'Email', action: 'Log email', placeholder: 'The gist of the email…' },
  {
    value: 'meeting',
    label: 'Meeting',
    action: 'Log meeting',
    placeholder: 'Who attended, what was agreed…',
  },
  { value: 'task', label: 'Task', action: 'Create task', placeholder: '' },
];

/** Adds a note, logs a call, email or meeting, or creates a task, about a person, company or deal. */
export function ActivityComposer({ target }: { target: ActivityTarget }) {
  const [mode, setMode] = useState<Mode>('note');
  const current = MODES.find((m) => m.value === mode) ?? MODES[0];
  return (
    <Paper withBorder p="sm" component="section" aria-label="Log activity">
      <Stack gap="xs">
        <SegmentedControl
          aria-label="What to log"
          value={mode}
          onChange={(value) => setMode(value as Mode)} // one of MODES
          data={MODES.map(({ value, label }) => ({ value, label }))}
        />
        {mode === 'task' ? (
          <TaskForm target={target} />
        ) : (
          <ActivityForm
            key={mode}
            target={target}
            kind={mode}
            action={current?.action ?? ''}
            placeholder={current?.placeholder ?? ''}
          />
        )}
      </Stack>
    </Paper>
  );
}

function ActivityForm(props: {
  target: ActivityTarget;
  kind: ActivityKind;
  action: string;
  placeholder: string;
}) {
  const [body, setBody] = useState('');
  const refresh = useRefreshAfterCrmWrite();
  const log = useMutation({
    mutationFn: activitiesApi.create,
    onSuccess: async () => {
      setBody('');
      await refresh();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (body.trim() !== '') log.mutate({ kind: props.kind, ...props.target, body: body.trim() });
  };
  return (
    <form onSubmit={submit} aria-label={props.action}>
      <Stack gap="xs">
        <Textarea
          aria-label={props.action}
          placeholder={props.placeholder}
          autosize
          minRows={2}
          maxRows={10}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
        />
        {log.error && (
          <Alert color="red" role="alert">
            {errorMessage(log.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={log.isPending} disabled={body.trim() === ''}>
            {props.action}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Tomorrow at 9:00 local time, as a datetime-local input's value. */
function tomorrowMorning(): string {
  const date = new Date(Date.now() + 86_400_000);
  date.setHours(9, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T09:00`;
}

export function TaskForm({ target, onCreated }: { target: ActivityTarget; onCreated?: () => void }) {
  const members = useCrmMembers();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState(tomorrowMorning);
  const [priority, setPriority] = useState<string>('normal');
  const [assigneeId, setAssigneeId] = useState<string | null>(members.me);
  const refresh = useRefreshAfterCrmWrite();
  const create = useMutation({
    mutationFn: tasksApi.create,
    onSuccess: async () => {
      setTitle('');
      await refresh();
      onCreated?.();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const dueAt = new Date(due);
    if (title.trim() === '' || Number.isNaN(dueAt.getTime())) return;
    create.mutate({
      title: title.trim(),
      dueAt: dueAt.toISOString(),
      priority: priority as TaskPriority, // one of the select's options
      assigneeId,
      ...(target.profileId ? { profileId: target.profileId } : {}),
      ...(target.companyId ? { companyId: target.companyId } : {}),
      ...(target.dealId ? { dealId: target.dealId } : {}),
    });
  };
  return (
    <form onSubmit={submit} aria-label="Create task">
      <Stack gap="xs">
        <TextInput
          label="Task"
          placeholder="Send the proposal"
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
        />
        <Group grow align="flex-end">
          <TextInput
            label="Due"
            type="datetime-local"
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
          />
          <Select
            label="Priority"
            data={[
              { value: 'low', label: 'Low' },
              { value: 'normal', label: 'Normal' },
              { value: 'high', label: 'High' },
            ]}
            value={priority}
            onChange={(value) => setPriority(value ?? 'normal')}
            allowDeselect={false}
          />
          <Select
            label="Assignee"
            data={members.options}
            value={assigneeId}
            onChange={setAssigneeId}
            clearable
          />
        </Group>
        {create.error && (
          <Alert color="red" role="alert">
            {errorMessage(create.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending} disabled={title.trim() === ''}>
            Create task
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
