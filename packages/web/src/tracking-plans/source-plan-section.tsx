import { Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { trackingPlanQueryKey, trackingPlansApi } from './tracking-plans-api';
import { ViolationsTable } from './violations-table';

const MODE_LABELS = {
  report: 'Report only',
  block_unplanned_events: 'Blocks unplanned events',
  omit_unplanned_properties: 'Omits unplanned properties',
} as const;

/** The source debugger's view of its tracking plan: its mode, a link to edit it, its violations. */
export function SourcePlanSection({ sourceId }: { sourceId: string }) {
  const session = useCurrentSession();
  const plan = useQuery({
    queryKey: trackingPlanQueryKey(session.workspace.id, sourceId),
    queryFn: () => trackingPlansApi.get(sourceId),
  });
  const planPath = `/sources/${encodeURIComponent(sourceId)}/tracking-plan`;
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={3}>Tracking plan</Title>
          {plan.data && <Badge variant="light">{MODE_LABELS[plan.data.mode]}</Badge>}
        </Group>
        <Button component={Link} to={planPath} variant="light" size="xs">
          {plan.data ? 'Edit tracking plan' : 'Set up a tracking plan'}
        </Button>
      </Group>
      {plan.data ? (
        <ViolationsTable sourceId={sourceId} />
      ) : (
        <Text c="dimmed" size="sm">
          No plan: calls are not checked against expected events and properties.
        </Text>
      )}
    </Stack>
  );
}
