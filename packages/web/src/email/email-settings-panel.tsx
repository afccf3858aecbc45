import { Alert, Button, Group, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import type { EmailSettings } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { emailApi, emailQueryKey } from './email-api';

/** The workspace's sender and sending pace (emails per second, per sliding hour). */
export function EmailSettingsPanel(props: { canWrite: boolean }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const key = [...emailQueryKey(session.workspace.id), 'settings'];
  const settings = useQuery({ queryKey: key, queryFn: emailApi.settings });
  const [draft, setDraft] = useState<EmailSettings | null>(null);
  useEffect(() => {
    if (settings.data) setDraft(settings.data);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (next: EmailSettings) => emailApi.saveSettings(next),
    onSuccess: (saved) => queryClient.setQueryData(key, saved),
  });
  if (!draft) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft);
  };
  return (
    <Paper withBorder p="md" maw={760}>
      <form onSubmit={submit} aria-label="Sending settings">
        <Stack gap="xs">
          <Title order={4}>Sending</Title>
          <Text size="sm" c="dimmed">
            Templates without a sender of their own come from this address. “Delivered” means the relay
            accepted the message.
          </Text>
          <Group grow>
            <TextInput
              label="From address"
              value={draft.fromAddress ?? ''}
              disabled={!props.canWrite}
              onChange={(e) => setDraft({ ...draft, fromAddress: e.currentTarget.value || null })}
            />
            <TextInput
              label="From name"
              value={draft.fromName ?? ''}
              disabled={!props.canWrite}
              onChange={(e) => setDraft({ ...draft, fromName: e.currentTarget.value || null })}
            />
          </Group>
          <Group grow>
            <NumberInput
              label="Emails per second"
              min={1}
              value={draft.perSecond ?? ''}
              disabled={!props.canWrite}
              onChange={(v) => setDraft({ ...draft, perSecond: typeof v === 'number' ? v : null })}
            />
            <NumberInput
              label="Emails per hour (cap)"
              min={1}
              placeholder="No cap"
              value={draft.perHour ?? ''}
              disabled={!props.canWrite}
              onChange={(v) => setDraft({ ...draft, perHour: typeof v === 'number' ? v : null })}
            />
          </Group>
          {save.error && (
            <Alert color="red" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          {props.canWrite && (
            <Group>
              <Button type="submit" variant="light" loading={save.isPending}>
                Save sending settings
              </Button>
              {save.isSuccess && <Text size="sm">Saved.</Text>}
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
