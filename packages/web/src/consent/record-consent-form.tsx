import { Alert, Button, Group, Paper, SegmentedControl, Select, Text, TextInput } from '@mantine/core';
import type { ConsentPurpose } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { consentApi, consentQueryKey } from './consent-api';

type RecordConsentFormProps = { profileId: string; purposes: readonly ConsentPurpose[] };

/** Records a decision the person made elsewhere (a call, a letter), kept with who recorded it. */
export function RecordConsentForm({ profileId, purposes }: RecordConsentFormProps) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [purpose, setPurpose] = useState<string | null>(null);
  const [decision, setDecision] = useState('refused');
  const [note, setNote] = useState('');
  const record = useMutation({
    mutationFn: consentApi.record,
    onSuccess: async () => {
      setNote('');
      await queryClient.invalidateQueries({ queryKey: consentQueryKey(session.workspace.id) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!purpose) return;
    const trimmed = note.trim();
    record.mutate({
      profileId,
      purposes: { [purpose]: decision === 'granted' },
      ...(trimmed ? { note: trimmed } : {}),
    });
  };

  return (
    <Paper withBorder p="sm">
      <form onSubmit={submit} aria-label="Record a consent decision">
        <Text fw={500} mb="xs">
          Record a decision
        </Text>
        <Group align="flex-end">
          <Select
            label="Purpose"
            placeholder="Choose"
            data={purposes.map((p) => ({ value: p.key, label: p.label }))}
            value={purpose}
            onChange={setPurpose}
            w={200}
          />
          <SegmentedControl
            aria-label="Decision"
            value={decision}
            onChange={setDecision}
            data={[
              { value: 'granted', label: 'Granted' },
              { value: 'refused', label: 'Refused' },
            ]}
          />
          <TextInput
            label="Note"
            placeholder="Asked by phone"
            maxLength={500}
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            style={{ flex: '1 1 180px' }}
          />
          <Button type="submit" loading={record.isPending} disabled={!purpose}>
            Record
          </Button>
        </Group>
        {record.error && (
          <Alert color="red" role="alert" mt="sm">
            {errorMessage(record.error)}
          </Alert>
        )}
      </form>
    </Paper>
  );
}
