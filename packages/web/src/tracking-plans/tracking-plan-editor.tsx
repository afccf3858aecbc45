import { Alert, Button, Checkbox, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import {
  roleAllows,
  type TrackingPlan,
  type TrackingPlanInput,
  type TrackingPlanMode,
} from '@tandem/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { PlanTransferButtons } from './plan-transfer-buttons';
import { PlannedEventsEditor } from './planned-events-editor';
import { SchemaEditor } from './schema-editor';
import { trackingPlanQueryKey, trackingPlansApi } from './tracking-plans-api';

const MODES: { value: TrackingPlanMode; label: string }[] = [
  { value: 'report', label: 'Report only' },
  { value: 'block_unplanned_events', label: 'Block unplanned events' },
  { value: 'omit_unplanned_properties', label: 'Omit unplanned properties' },
];

const EMPTY_PLAN: TrackingPlanInput = {
  mode: 'report',
  forwardViolations: false,
  events: [],
  identify: null,
};
const EMPTY_SCHEMA = { type: 'object', properties: {}, required: [] };

/** The plan being edited: mode, events and identify traits; saved as a whole. */
export function TrackingPlanEditor({ sourceId, saved }: { sourceId: string; saved: TrackingPlan | null }) {
  const session = useCurrentSession();
  const canEdit = roleAllows(session.role, 'sources:write');
  const queryClient = useQueryClient();
  const planKey = trackingPlanQueryKey(session.workspace.id, sourceId);
  const [plan, setPlan] = useState<TrackingPlanInput>(saved ?? EMPTY_PLAN);
  const [changed, setChanged] = useState(false);
  const [drafted, setDrafted] = useState<number | null>(null);
  const edit = (patch: Partial<TrackingPlanInput>) => {
    setPlan((current) => ({ ...current, ...patch }));
    setChanged(true);
  };

  const save = useMutation({
    mutationFn: () => trackingPlansApi.put(sourceId, plan),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: planKey }),
  });
  const draft = useMutation({
    mutationFn: () => trackingPlansApi.draft(sourceId),
    onSuccess: (result) => {
      // The draft's events and traits replace the editor's; mode and forwarding stay as chosen.
      edit({ events: result.plan.events, identify: result.plan.identify });
      setDrafted(result.callsSampled);
    },
  });

  return (
    <Stack>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start">
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Calls that break the plan
              </Text>
              <SegmentedControl
                aria-label="Mode"
                data={MODES}
                value={plan.mode}
                disabled={!canEdit}
                onChange={(mode) => edit({ mode: mode as TrackingPlanMode })}
              />
            </Stack>
            <PlanTransferButtons sourceId={sourceId} saved={saved} canEdit={canEdit} />
          </Group>
          <Checkbox
            label="Forward violations as “Violation Generated” events on this source"
            checked={plan.forwardViolations}
            disabled={!canEdit}
            onChange={(event) => edit({ forwardViolations: event.currentTarget.checked })}
          />
          {canEdit && (
            <Group>
              <Button
                onClick={() => save.mutate()}
                loading={save.isPending}
                disabled={!changed && saved !== null}
              >
                {saved ? 'Save plan' : 'Create plan'}
              </Button>
              <Button variant="default" onClick={() => draft.mutate()} loading={draft.isPending}>
                Draft from seen events
              </Button>
              <Text size="sm" c="dimmed">
                {saved ? `Version ${saved.version}` : 'Not saved yet'}
                {changed && ' · unsaved changes'}
              </Text>
            </Group>
          )}
          {drafted !== null && (
            <Alert color="blue" title="Drafted from seen events">
              {drafted.toLocaleString()} recent calls read. Review the events and their properties, then save.
            </Alert>
          )}
          {(save.error || draft.error) && (
            <Alert color="red" role="alert" title="Could not save">
              {errorMessage(save.error ?? draft.error)}
            </Alert>
          )}
        </Stack>
      </Paper>

      <Title order={3}>Events</Title>
      <PlannedEventsEditor events={plan.events} onChange={(events) => edit({ events })} readOnly={!canEdit} />

      <Title order={3}>Identify traits</Title>
      {plan.identify ? (
        <Stack gap="xs">
          <SchemaEditor
            noun="trait"
            label="JSON Schema of identify traits"
            schema={plan.identify.schema}
            onChange={(schema) => edit({ identify: { schema } })}
            readOnly={!canEdit}
          />
          {canEdit && (
            <Button
              variant="subtle"
              color="red"
              size="compact-sm"
              w="fit-content"
              onClick={() => edit({ identify: null })}
            >
              Stop checking identify traits
            </Button>
          )}
        </Stack>
      ) : (
        <Group>
          <Text c="dimmed" size="sm">
            Identify calls are not checked.
          </Text>
          {canEdit && (
            <Button
              variant="light"
              size="compact-sm"
              onClick={() => edit({ identify: { schema: EMPTY_SCHEMA } })}
            >
              Plan identify traits
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}
