import { Anchor, Badge, Group, Paper, Stack, Text, Timeline } from '@mantine/core';
import { Link } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { journeysApi, journeysQueryKey } from './journeys-api';

/**
 * A person's journeys (`GET /api/v1/profiles/{id}/journeys`), newest first, each with its path:
 * for the person's page, beside their timeline.
 */
export function PersonJourneys({ profileId }: { profileId: string }) {
  const { workspace } = useCurrentSession();
  const runs = usePagedQuery([...journeysQueryKey(workspace.id), 'person', profileId], (cursor) =>
    journeysApi.profileRuns(profileId, cursor),
  );
  return (
    <QueryState isPending={runs.isPending} error={runs.error} refetch={runs.refetch}>
      {runs.items.length === 0 ? (
        <Text c="dimmed" size="sm">
          Not in any journey yet.
        </Text>
      ) : (
        <Stack gap="sm" aria-label="Journeys">
          {runs.items.map((run) => (
            <Paper key={run.runId} withBorder radius="md" p="sm">
              <Group justify="space-between" mb="xs">
                <Anchor component={Link} to={`/journeys/${encodeURIComponent(run.journeyId)}`} fw={600}>
                  {run.journeyName}
                </Anchor>
                <Group gap={4}>
                  <Badge size="sm" variant="light">
                    {run.holdout ? 'holdout' : run.status}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    v{run.version} · entered {formatDate(run.enteredAt)}
                  </Text>
                </Group>
              </Group>
              <Timeline bulletSize={12} lineWidth={2} active={run.path.length - 1}>
                {run.path.map((step) => (
                  <Timeline.Item key={`${step.stepId}:${step.at}`} title={`${step.stepId} · ${step.outcome}`}>
                    <Text size="xs" c="dimmed">
                      {formatDate(step.at)}
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
              {run.nextAt ? (
                <Text size="xs" c="dimmed" mt={4}>
                  Next step due {formatDate(run.nextAt)}
                </Text>
              ) : null}
            </Paper>
          ))}
          <LoadMoreButton {...runs} />
        </Stack>
      )}
    </QueryState>
  );
}
