import { Badge, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { ProfileLink } from '../rules/profile-link';
import { formatDate } from '../shared/format-date';
import { journeysApi, journeysQueryKey } from './journeys-api';

const REFRESH_MS = 5_000;
const SHOWN = 10;

/** The people at (or last at) a step of a published journey, newest first. */
export function StepRuns({ journeyId, stepId }: { journeyId: string; stepId: string }) {
  const { workspace } = useCurrentSession();
  const runs = useQuery({
    queryKey: [...journeysQueryKey(workspace.id), 'runs', journeyId, stepId],
    queryFn: () => journeysApi.runs(journeyId, { stepId }),
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  const list = runs.data?.data ?? [];
  if (runs.isError) return null;
  return (
    <Stack gap={4} aria-label="People at this step">
      <Text size="xs" fw={700} c="dimmed" tt="uppercase">
        People at this step
      </Text>
      {list.length === 0 ? (
        <Text size="xs" c="dimmed">
          {runs.isPending ? 'Loading…' : 'Nobody yet.'}
        </Text>
      ) : null}
      {list.slice(0, SHOWN).map((run) => (
        <Group key={run.runId} gap={6} justify="space-between" wrap="nowrap">
          <ProfileLink profileId={run.profileId} />
          <Group gap={4} wrap="nowrap">
            <Badge size="xs" variant="light" color={run.holdout ? 'gray' : 'blue'}>
              {run.holdout ? 'holdout' : run.status}
            </Badge>
            <Text size="xs" c="dimmed">
              v{run.version} ·{' '}
              {run.nextAt ? `next ${formatDate(run.nextAt)}` : formatDate(run.endedAt ?? run.enteredAt)}
            </Text>
          </Group>
        </Group>
      ))}
      {list.length > SHOWN || runs.data?.nextCursor ? (
        <Text size="xs" c="dimmed">
          and more…
        </Text>
      ) : null}
    </Stack>
  );
}
