import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { ActivityKind } from '@tandem/contract';
import { usePagedQuery } from '../api/use-paged-query';
import { useCurrentSession } from '../auth/use-session';
import { formatDate } from '../shared/format-date';
import { LoadMoreButton } from '../shared/load-more-button';
import { QueryState } from '../shared/query-state';
import { type ActivityTarget, activitiesApi, crmQueryKey } from './crm-api';
import { useCrmMembers } from './use-crm-members';

const KIND_LABELS: Readonly<Record<ActivityKind, string>> = {
  note: 'Note',
  call: 'Call',
  email: 'Email',
  meeting: 'Meeting',
};

/** Notes, calls, emails and meetings logged by the team, newest first. */
export function ActivitiesList({ target }: { target: ActivityTarget }) {
  const session = useCurrentSession();
  const members = useCrmMembers();
  const activities = usePagedQuery([...crmQueryKey(session.workspace.id), 'activities', target], (cursor) =>
    activitiesApi.list(target, cursor),
  );
  return (
    <QueryState isPending={activities.isPending} error={activities.error} refetch={activities.refetch}>
      {activities.items.length === 0 ? (
        <Text c="dimmed">No notes, calls, emails or meetings logged yet.</Text>
      ) : (
        <Stack gap="xs" role="list" aria-label="Logged activities">
          {activities.items.map((activity) => (
            <Paper key={activity.id} withBorder p="sm" role="listitem">
              <Group gap="xs" mb={4}>
                <Badge variant="light">{KIND_LABELS[activity.kind]}</Badge>
                <Text size="sm" c="dimmed">
                  {members.nameOf(activity.actorId) ?? 'Tandem'} · {formatDate(activity.occurredAt)}
                </Text>
              </Group>
              <Text style={{ whiteSpace: 'pre-wrap' }}>{activity.body}</Text>
            </Paper>
          ))}
        </Stack>
      )}
      <LoadMoreButton {...activities} />
    </QueryState>
  );
}
