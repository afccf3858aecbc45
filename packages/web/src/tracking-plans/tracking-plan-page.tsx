import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { QueryState } from '../shared/query-state';
import { sourcesApi, sourcesQueryKey } from '../sources/sources-api';
import { TrackingPlanEditor } from './tracking-plan-editor';
import { trackingPlanQueryKey, trackingPlansApi } from './tracking-plans-api';
import { ViolationsTable } from './violations-table';

/**
 * `/sources/:id/tracking-plan`: what the source is expected to send (a JSON Schema per event and
 * for identify traits), what happens to calls that differ, and the violations seen so far.
 */
export function TrackingPlanPage() {
  const { id = '' } = useParams();
  const session = useCurrentSession();
  const source = useQuery({
    queryKey: [...sourcesQueryKey(session.workspace.id), id],
    queryFn: () => sourcesApi.get(id),
  });
  const plan = useQuery({
    queryKey: trackingPlanQueryKey(session.workspace.id, id),
    queryFn: () => trackingPlansApi.get(id),
  });

  return (
    <Stack>
      <Anchor component={Link} to={`/sources/${encodeURIComponent(id)}`} size="sm">
        ← {source.data?.name ?? 'Source'}
      </Anchor>
      <div>
        <Title order={2}>Tracking plan{source.data && ` · ${source.data.name}`}</Title>
        <Text c="dimmed" size="sm">
          Every track and identify call of this source is checked against the plan as it arrives.
        </Text>
      </div>
      <QueryState isPending={plan.isPending} error={plan.error ?? source.error} refetch={plan.refetch}>
        {plan.data !== undefined && (
          // Keyed by version: a saved, imported or removed plan starts the editor afresh.
          <TrackingPlanEditor key={plan.data?.version ?? 0} sourceId={id} saved={plan.data} />
        )}
      </QueryState>
      <Title order={3}>Violations</Title>
      <ViolationsTable sourceId={id} />
    </Stack>
  );
}
