import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { Sequence, SequenceSettings, SequenceStep } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useCanWriteCrm } from '../people/use-crm-members';
import { QueryState } from '../shared/query-state';
import { SequenceEnrollments } from './sequence-enrollments';
import { SequenceStepsEditor } from './sequence-steps-editor';
import { sequencesApi, sequencesQueryKey } from './sequences-api';

/** `/sequences/:id`: the editor (steps, when to stop), the report and the enrollments. */
export function SequencePage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const sequence = useQuery({
    queryKey: [...sequencesQueryKey(session.workspace.id), id],
    queryFn: () => sequencesApi.get(id),
  });
  return (
    <Stack>
      <Anchor component={Link} to="/sequences" size="sm">
        ← Sequences
      </Anchor>
      <QueryState isPending={sequence.isPending} error={sequence.error} refetch={sequence.refetch}>
        {sequence.data && <SequenceEditor key={sequence.data.id} sequence={sequence.data} />}
      </QueryState>
      {sequence.data && <SequenceReportCards sequenceId={id} />}
      {sequence.data && <SequenceEnrollments sequenceId={id} />}
    </Stack>
  );
}

const STOP_SETTINGS: readonly { key: keyof SequenceSettings; label: string }[] = [
  { key: 'stopOnReply', label: 'Stop when the person replies' },
  { key: 'stopOnMeeting', label: 'Stop when they book a meeting' },
  { key: 'stopOnUnsubscribe', label: 'Stop when they unsubscribe' },
  { key: 'stopOnBounce', label: 'Stop when an email bounces' },
  { key: 'stopOnCompanyReply', label: 'Stop when anyone at their company replies' },
];

function SequenceEditor({ sequence }: { sequence: Sequence }) {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState(sequence.name);
  const [steps, setSteps] = useState<SequenceStep[]>(sequence.steps);
  const [settings, setSettings] = useState(sequence.settings);
  const refresh = () => queryClient.invalidateQueries({ queryKey: sequencesQueryKey(session.workspace.id) });
  const save = useMutation({ mutationFn: sequencesApi.update, onSuccess: refresh });
  const remove = useMutation({
    mutationFn: sequencesApi.remove,
    onSuccess: async () => {
      await refresh();
      navigate('/sequences');
    },
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Sequence editor">
      <Stack>
        <Group justify="space-between" align="flex-end">
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            readOnly={!canWrite}
            w={420}
            size="md"
          />
          {canWrite && (
            <Group>
              <Button variant="subtle" color="red" onClick={() => remove.mutate(sequence.id)}>
                Delete sequence
              </Button>
              <Button
                loading={save.isPending}
                onClick={() => save.mutate({ sequenceId: sequence.id, patch: { name, steps, settings } })}
              >
                Save sequence
              </Button>
            </Group>
          )}
        </Group>
        <Title order={4}>Steps</Title>
        <SequenceStepsEditor steps={steps} onChange={setSteps} readOnly={!canWrite} />
        <Title order={4}>When to stop</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {STOP_SETTINGS.map(({ key, label }) => (
            <Switch
              key={key}
              label={label}
              checked={settings[key]}
              disabled={!canWrite}
              onChange={(e) => setSettings({ ...settings, [key]: e.currentTarget.checked })}
            />
          ))}
        </SimpleGrid>
        {save.isSuccess && !save.isPending && (
          <Text size="sm" c="teal" role="status">
            Saved.
          </Text>
        )}
        {(save.error ?? remove.error) && (
          <Alert color="red" role="alert">
            {errorMessage(save.error ?? remove.error)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function SequenceReportCards({ sequenceId }: { sequenceId: string }) {
  const session = useCurrentSession();
  const report = useQuery({
    queryKey: [...sequencesQueryKey(session.workspace.id), sequenceId, 'report'],
    queryFn: () => sequencesApi.report(sequenceId),
  });
  if (!report.data) return null;
  const r = report.data;
  const stopped = Object.values(r.stopped).reduce((sum, n) => sum + n, 0);
  const figures = [
    ['Enrolled', r.enrolled],
    ['Active', r.active],
    ['Replied', r.replied],
    ['Meetings', r.meetings],
    ['Stopped', stopped],
    ['Finished', r.finished],
  ] as const;
  return (
    <SimpleGrid cols={{ base: 3, md: 6 }} component="section" aria-label="Sequence report">
      {figures.map(([label, value]) => (
        <Paper key={label} withBorder p="xs">
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text fw={700} size="xl">
            {value}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
