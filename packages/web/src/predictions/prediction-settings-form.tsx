import {
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { PredictionSettings } from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { predictionsApi, predictionsQueryKey } from './predictions-api';

/** Which event is an order, where its value is, the time unit and the refresh schedule. */
export function PredictionSettingsForm({
  saved,
  canWrite,
}: {
  saved: PredictionSettings;
  canWrite: boolean;
}) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(saved);
  const save = useMutation({
    mutationFn: predictionsApi.saveSettings,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: predictionsQueryKey(session.workspace.id) }),
  });
  const set = (patch: Partial<PredictionSettings>) => setDraft((d) => ({ ...d, ...patch }));
  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-label="Prediction settings"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft);
      }}
    >
      <Stack gap="sm">
        <Title order={4}>Settings</Title>
        <Group align="flex-end" gap="md">
          <TextInput
            label="Order event"
            description="Each one is a purchase"
            value={draft.orderEvent}
            onChange={(e) => set({ orderEvent: e.currentTarget.value })}
            disabled={!canWrite}
            w={220}
          />
          <TextInput
            label="Value property"
            description="The order's amount, such as revenue"
            value={draft.valueProperty ?? ''}
            onChange={(e) =>
              set({ valueProperty: e.currentTarget.value.trim() === '' ? null : e.currentTarget.value })
            }
            disabled={!canWrite}
            w={220}
          />
          <div>
            <Text size="sm" fw={500}>
              Time unit
            </Text>
            <SegmentedControl
              aria-label="Time unit"
              data={[
                { value: 'day', label: 'Days' },
                { value: 'week', label: 'Weeks' },
              ]}
              value={draft.timeUnit}
              onChange={(value) => set({ timeUnit: value === 'week' ? 'week' : 'day' })}
              disabled={!canWrite}
            />
          </div>
          <NumberInput
            label="Refresh every (hours)"
            min={1}
            max={720}
            value={draft.refreshHours}
            onChange={(value) => set({ refreshHours: typeof value === 'number' ? value : 24 })}
            disabled={!canWrite}
            w={170}
          />
        </Group>
        <Switch
          label="Refresh on schedule"
          checked={draft.enabled}
          onChange={(e) => set({ enabled: e.currentTarget.checked })}
          disabled={!canWrite}
        />
        {save.error ? (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        ) : null}
        {canWrite ? (
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save settings
            </Button>
            {save.isSuccess ? (
              <Text size="sm" c="dimmed">
                Saved.
              </Text>
            ) : null}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Changing these takes the insights:write permission.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
