import { Alert, Anchor, Breadcrumbs, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { JourneyEditor } from './journey-editor';
import { JourneyReport } from './journey-report';
import { JourneyStatusBadge } from './journey-status-badge';
import { JourneyVersions } from './journey-versions';
import { journeysApi, journeysQueryKey } from './journeys-api';

/** `/journeys/new` draws a new journey; `/journeys/:id` edits one, with its report and versions. */
export function JourneyPage() {
  const { id = '' } = useParams();
  return id === 'new' ? <NewJourney /> : <JourneyDetail journeyId={id} />;
}

function Crumbs({ current }: { current: string }) {
  return (
    <Breadcrumbs>
      <Anchor component={Link} to="/journeys">
        Journeys
      </Anchor>
      <Text>{current}</Text>
    </Breadcrumbs>
  );
}

function NewJourney() {
  const navigate = useNavigate();
  return (
    <Stack>
      <Crumbs current="New journey" />
      <Title order={2}>New journey</Title>
      <JourneyEditor
        onCreated={(journey) => navigate(`/journeys/${encodeURIComponent(journey.id)}`, { replace: true })}
      />
    </Stack>
  );
}

function JourneyDetail({ journeyId }: { journeyId: string }) {
  const { workspace } = useCurrentSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<string | null>('canvas');
  const journey = useQuery({
    queryKey: [...journeysQueryKey(workspace.id), 'journey', journeyId],
    queryFn: () => journeysApi.get(journeyId),
  });
  const toggle = useMutation({
    mutationFn: (action: 'pause' | 'resume') =>
      action === 'pause' ? journeysApi.pause(journeyId) : journeysApi.resume(journeyId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: journeysQueryKey(workspace.id) }),
  });
  const data = journey.data;
  return (
    <QueryState isPending={journey.isPending} error={journey.error} refetch={journey.refetch}>
      {data ? (
        <Stack>
          <Crumbs current={data.name} />
          <Group justify="space-between" align="flex-start">
            <div>
              <Group gap="sm">
                <Title order={2}>{data.name}</Title>
                <JourneyStatusBadge journey={data} />
              </Group>
              <Text size="sm" c="dimmed">
                {data.version > 0
                  ? `Version ${data.version}, published ${formatDate(data.publishedAt ?? '')}`
                  : 'Never published'}{' '}
                · updated {formatDate(data.updatedAt)}
              </Text>
            </div>
            <Group gap="xs">
              {data.status === 'live' ? (
                <Button variant="default" loading={toggle.isPending} onClick={() => toggle.mutate('pause')}>
                  Pause
                </Button>
              ) : null}
              {data.status === 'paused' ? (
                <Button variant="default" loading={toggle.isPending} onClick={() => toggle.mutate('resume')}>
                  Resume
                </Button>
              ) : null}
              {data.status !== 'archived' ? (
                <ConfirmedMutationButton
                  label="Archive"
                  ariaLabel="Archive journey"
                  question="Archive this journey? Nobody new enters it and people in it leave."
                  confirmLabel="Archive"
                  run={async () => {
                    await journeysApi.archive(journeyId);
                    navigate('/journeys');
                  }}
                  invalidates={journeysQueryKey(workspace.id)}
                />
              ) : null}
            </Group>
          </Group>
          {toggle.error ? (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(toggle.error)}
            </Alert>
          ) : null}
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="canvas">Canvas</Tabs.Tab>
              <Tabs.Tab value="report">Report</Tabs.Tab>
              <Tabs.Tab value="versions">Versions</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="canvas" pt="md">
              <JourneyEditor journey={data} />
            </Tabs.Panel>
            <Tabs.Panel value="report" pt="md">
              <JourneyReport journeyId={journeyId} />
            </Tabs.Panel>
            <Tabs.Panel value="versions" pt="md">
              <JourneyVersions journeyId={journeyId} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      ) : null}
    </QueryState>
  );
}
