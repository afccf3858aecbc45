import { Alert, Anchor, Badge, Button, Group, Modal, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { useCanWriteCrm } from '../people/use-crm-members';
import { enrollmentStatus, sequencesApi, sequencesQueryKey } from './sequences-api';

/** The person page's sequences: where they are enrolled, and "Enroll in sequence". */
export function PersonSequences({ profileId }: { profileId: string }) {
  const session = useCurrentSession();
  const canWrite = useCanWriteCrm();
  const [open, setOpen] = useState(false);
  const key = [...sequencesQueryKey(session.workspace.id), 'person', profileId];
  const enrollments = useQuery({ queryKey: key, queryFn: () => sequencesApi.ofPerson(profileId) });
  return (
    <Paper withBorder p="sm" component="section" aria-label="Sequences">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Sequences</Title>
        {canWrite && (
          <Button size="xs" variant="light" onClick={() => setOpen(true)}>
            Enroll in sequence
          </Button>
        )}
      </Group>
      <Stack gap={4}>
        {enrollments.data?.data.length === 0 && (
          <Text size="sm" c="dimmed">
            Not in any sequence.
          </Text>
        )}
        {enrollments.data?.data.map((enrollment) => (
          <Group key={enrollment.id} gap="xs" justify="space-between">
            <Anchor component={Link} to={`/sequences/${encodeURIComponent(enrollment.sequenceId)}`} size="sm">
              {enrollment.sequenceName}
            </Anchor>
            <Badge variant="light" color={enrollment.status === 'active' ? 'blue' : 'gray'}>
              {enrollmentStatus(enrollment)}
            </Badge>
          </Group>
        ))}
      </Stack>
      <EnrollModal profileId={profileId} opened={open} onClose={() => setOpen(false)} />
    </Paper>
  );
}

function EnrollModal({
  profileId,
  opened,
  onClose,
}: {
  profileId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [sequenceId, setSequenceId] = useState<string | null>(null);
  const sequences = useQuery({
    queryKey: sequencesQueryKey(session.workspace.id),
    queryFn: sequencesApi.list,
    enabled: opened,
  });
  const enroll = useMutation({
    mutationFn: sequencesApi.enroll,
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: sequencesQueryKey(session.workspace.id) });
      if (result.skipped.length === 0) onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Enroll in a sequence">
      <Stack>
        <Select
          label="Sequence"
          placeholder="Pick a sequence"
          data={(sequences.data?.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={sequenceId}
          onChange={setSequenceId}
          comboboxProps={{ withinPortal: false }}
        />
        {enroll.data?.skipped[0]?.reason === 'already_active' && (
          <Alert color="yellow">Already active in this sequence.</Alert>
        )}
        {enroll.error && (
          <Alert color="red" role="alert">
            {errorMessage(enroll.error)}
          </Alert>
        )}
        <Button
          disabled={sequenceId === null}
          loading={enroll.isPending}
          onClick={() => sequenceId && enroll.mutate({ sequenceId, profileIds: [profileId] })}
        >
          Enroll
        </Button>
      </Stack>
    </Modal>
  );
}
