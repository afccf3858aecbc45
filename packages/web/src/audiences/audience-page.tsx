import { Alert, Anchor, Badge, Breadcrumbs, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmedMutationButton } from '../shared/confirmed-mutation-button';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { AudienceBuilder } from './audience-builder';
import { AudienceMembers } from './audience-members';
import { audiencesApi, audiencesQueryKey } from './audiences-api';
import { ConnectedDestinations } from './connected-destinations';

/** `/audiences/new` builds a new audience; `/audiences/:id` shows one: members, rule, destinations. */
export function AudiencePage() {
  const { id = '' } = useParams();
  return id === 'new' ? <NewAudience /> : <AudienceDetail audienceId={id} />;
}

function Crumbs({ current }: { current: string }) {
  return (
    <Breadcrumbs>
      <Anchor component={Link} to="/audiences">
        Audiences
      </Anchor>
      <Text>{current}</Text>
    </Breadcrumbs>
  );
}

function NewAudience() {
  const navigate = useNavigate();
  return (
    <Stack>
      <Crumbs current="New audience" />
      <Title order={2}>New audience</Title>
      <Text c="dimmed">
        Combine conditions on traits, events, computed traits and other audiences. The count on the right
        follows your changes.
      </Text>
      <AudienceBuilder
        onSaved={(audience) => navigate(`/audiences/${encodeURIComponent(audience.id)}`)}
        onCancel={() => navigate('/audiences')}
      />
    </Stack>
  );
}

function AudienceDetail({ audienceId }: { audienceId: string }) {
  const { workspace } = useCurrentSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<string | null>('members');
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const audience = useQuery({
    queryKey: [...audiencesQueryKey(workspace.id), 'audience', audienceId],
    queryFn: () => audiencesApi.get(audienceId),
  });
  return (
    <QueryState isPending={audience.isPending} error={audience.error} refetch={audience.refetch}>
      {audience.data ? (
        <Stack>
          <Crumbs current={audience.data.name} />
          <Group justify="space-between" align="flex-start">
            <div>
              <Group gap="sm">
                <Title order={2}>{audience.data.name}</Title>
                <Badge size="lg" variant="light" aria-label="Member count">
                  {(audience.data.memberCount ?? 0).toLocaleString()}{' '}
                  {audience.data.memberCount === 1 ? 'member' : 'members'}
                </Badge>
                {audience.data.requiredPurpose && (
                  <Badge size="lg" variant="outline" color="grape" aria-label="Consent required">
                    Requires consent: {audience.data.requiredPurpose}
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                Created {formatDate(audience.data.createdAt)} · updated {formatDate(audience.data.updatedAt)}
              </Text>
            </div>
            <ConfirmedMutationButton
              label="Delete audience"
              ariaLabel="Delete audience"
              question="Delete this audience and its member list? One that other audiences, destinations, journeys or scheduled broadcasts read is kept until they stop reading it."
              confirmLabel="Delete"
              run={async () => {
                await audiencesApi.remove(audienceId);
                navigate('/audiences');
              }}
              invalidates={audiencesQueryKey(workspace.id)}
            />
          </Group>
          {savedAt ? (
            <Alert color="green" variant="light" withCloseButton onClose={() => setSavedAt(null)}>
              Saved. Members are being recomputed with the new rule.
            </Alert>
          ) : null}
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="members">Members</Tabs.Tab>
              <Tabs.Tab value="rule">Rule</Tabs.Tab>
              <Tabs.Tab value="destinations">Destinations</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="members" pt="md">
              <AudienceMembers audienceId={audienceId} />
            </Tabs.Panel>
            <Tabs.Panel value="rule" pt="md">
              <AudienceBuilder
                key={audience.data.updatedAt}
                audience={audience.data}
                onSaved={async (saved) => {
                  setSavedAt(saved.updatedAt);
                  await queryClient.invalidateQueries({ queryKey: audiencesQueryKey(workspace.id) });
                }}
              />
            </Tabs.Panel>
            <Tabs.Panel value="destinations" pt="md">
              <ConnectedDestinations audienceId={audienceId} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      ) : null}
    </QueryState>
  );
}
