import { Alert, Button, Group, NumberInput, Paper, Select, Switch, Text, Title } from '@mantine/core';
import { type FrequencyCap, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { emailPreferencesApi, emailPreferencesQueryKey } from './email-preferences-api';

const PERIODS = [
  { value: '1d', label: 'per day' },
  { value: '7d', label: 'per 7 days' },
  { value: '14d', label: 'per 14 days' },
  { value: '30d', label: 'per 30 days' },
];

/** At most N marketing emails per person per period, whatever journey, broadcast or sequence sends them. */
export function FrequencyCapSection() {
  const session = useCurrentSession();
  const canManage = roleAllows(session.role, 'audiences:write');
  const queryClient = useQueryClient();
  const queryKey = [...emailPreferencesQueryKey(session.workspace.id), 'frequency-cap'];
  const cap = useQuery({ queryKey, queryFn: emailPreferencesApi.frequencyCap });
  const [draft, setDraft] = useState<FrequencyCap | null>(null);
  useEffect(() => {
    if (cap.data) setDraft(cap.data);
  }, [cap.data]);
  const save = useMutation({
    mutationFn: emailPreferencesApi.setFrequencyCap,
    onSuccess: (saved) => queryClient.setQueryData(queryKey, saved),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (draft) save.mutate(draft);
  };
  const periods =
    draft && !PERIODS.some((p) => p.value === draft.period)
      ? [...PERIODS, { value: draft.period, label: `per ${draft.period}` }]
      : PERIODS;
  return (
    <Paper withBorder p="md" component="section" aria-label="Frequency cap">
      <Title order={4} mb="xs">
        Frequency cap
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Counts every marketing email a person was sent, by any team. Over the cap, a journey’s email waits for
        room or is skipped, as the journey says.
      </Text>
      <QueryState isPending={cap.isPending} error={cap.error} refetch={cap.refetch}>
        {draft && (
          <form onSubmit={submit} aria-label="Frequency cap">
            <Group align="flex-end">
              <Switch
                label="Cap marketing email"
                checked={draft.enabled}
                disabled={!canManage}
                onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })}
              />
              <NumberInput
                label="At most"
                min={1}
                max={1000}
                w={110}
                value={draft.max}
                disabled={!canManage || !draft.enabled}
                onChange={(value) =>
                  setDraft({ ...draft, max: typeof value === 'number' ? value : draft.max })
                }
              />
              <Select
                label="Emails"
                w={160}
                data={periods}
                value={draft.period}
                allowDeselect={false}
                disabled={!canManage || !draft.enabled}
                onChange={(value) => value && setDraft({ ...draft, period: value })}
              />
              {canManage && (
                <Button type="submit" loading={save.isPending}>
                  Save cap
                </Button>
              )}
            </Group>
            {save.error ? (
              <Alert color="red" role="alert" mt="sm">
                {errorMessage(save.error)}
              </Alert>
            ) : null}
            {save.isSuccess ? (
              <Text size="sm" c="green" mt="xs" role="status">
                Saved.
              </Text>
            ) : null}
          </form>
        )}
      </QueryState>
    </Paper>
  );
}
