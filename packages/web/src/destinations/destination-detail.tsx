import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { type Destination, hasFullSync, roleAllows } from '@tandem/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../api/error-message';
import { useCurrentSession } from '../auth/use-session';
import { ConfirmActionButton } from '../shared/confirm-action-button';
import { formatDate } from '../shared/format-date';
import { QueryState } from '../shared/query-state';
import { AudienceFiles } from './audience-files';
import { DeadLetters } from './dead-letters';
import { DeliveryLog } from './delivery-log';
import { EnabledBadge } from './delivery-status';
import { DestinationEditor } from './destination-editor';
import { formFromDestination, updateBody } from './destination-form';
import { destinationTypeLabel } from './destination-types';
import {
  destinationQueryKey,
  destinationsApi,
  destinationsQueryKey,
  pickerApi,
  pickerQueryKey,
} from './destinations-api';
import { SendTestButton } from './send-test-button';
import { describeSubscription } from './subscription-summary';
import { SyncNowButton, SyncOutcome, useFullSync } from './sync-now-button';

// The counts move while deliveries go out; a few seconds is fresh enough to watch them.
const REFRESH_MS = 3_000;

/** One destination: its health at a glance, the delivery log, dead letters and its settings. */
export function DestinationDetail({ destinationId }: { destinationId: string }) {
  const session = useCurrentSession();
  const destination = useQuery({
    queryKey: destinationQueryKey(session.workspace.id, destinationId),
    queryFn: () => destinationsApi.get(destinationId),
    refetchInterval: REFRESH_MS,
  });

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/destinations" size="sm">
        ← Destinations
      </Anchor>
      <QueryState isPending={destination.isPending} error={destination.error} refetch={destination.refetch}>
        {destination.data && <DestinationView destination={destination.data} />}
      </QueryState>
    </Stack>
  );
}

function DestinationView({ destination }: { destination: Destination }) {
  const session = useCurrentSession();
  const canWrite = roleAllows(session.role, 'destinations:write');
  const [tab, setTab] = useState<string | null>('log');
  const sync = useFullSync(destination);
  const { delivered, pending, failed, dead, skipped } = destination.deliveries;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={2}>{destination.name}</Title>
            <Badge variant="outline" color="gray">
              {destinationTypeLabel(destination.type)}
            </Badge>
            <EnabledBadge enabled={destination.enabled} />
          </Group>
          <Text size="sm" c="dimmed">
            Created {formatDate(destination.createdAt)} · updated {formatDate(destination.updatedAt)} ·{' '}
            <Text span ff="monospace" size="sm">
              {destination.id}
            </Text>
          </Text>
        </div>
        {canWrite && (
          <Group gap="xs" align="flex-start">
            {hasFullSync(destination.type) && <SyncNowButton sync={sync} />}
            <SendTestButton destination={destination} />
            <PauseButton destination={destination} />
            <DeleteDestinationButton destination={destination} />
          </Group>
        )}
      </Group>
      <SyncOutcome sync={sync} />
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Stat label="Delivered" value={delivered} color="teal" />
        <Stat label="Pending" value={pending} color="blue" />
        <Stat label="Retrying" value={failed} color="orange" />
        <Stat
          label="Dead letters"
          value={dead}
          color="red"
          onClick={dead > 0 ? () => setTab('dead') : undefined}
        />
        <Stat label="Skipped (consent)" value={skipped} color="gray" />
      </SimpleGrid>
      <SubscriptionsSummary
        destination={destination}
        onEdit={canWrite ? () => setTab('settings') : undefined}
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="log">Delivery log</Tabs.Tab>
          <Tabs.Tab
            value="dead"
            rightSection={
              dead > 0 ? (
                <Badge color="red" size="sm" circle={dead < 10}>
                  {dead}
                </Badge>
              ) : null
            }
          >
            Dead letters
          </Tabs.Tab>
          {destination.type === 'audience-file' && <Tabs.Tab value="files">Files</Tabs.Tab>}
          {canWrite && <Tabs.Tab value="settings">Settings</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="log" pt="md">
          <DeliveryLog destinationId={destination.id} canReplay={canWrite} />
        </Tabs.Panel>
        <Tabs.Panel value="dead" pt="md">
          <DeadLetters destinationId={destination.id} canReplay={canWrite} />
        </Tabs.Panel>
        {destination.type === 'audience-file' && (
          <Tabs.Panel value="files" pt="md">
            <AudienceFiles destinationId={destination.id} />
          </Tabs.Panel>
        )}
        {canWrite && (
          <Tabs.Panel value="settings" pt="md">
            <DestinationSettings destination={destination} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

function Stat(props: { label: string; value: number; color: string; onClick?: (() => void) | undefined }) {
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="section"
      aria-label={props.label}
      onClick={props.onClick}
      style={props.onClick ? { cursor: 'pointer' } : undefined}
    >
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text fz={26} fw={700} c={props.value > 0 ? props.color : 'dimmed'}>
        {props.value.toLocaleString()}
      </Text>
    </Card>
  );
}

function SubscriptionsSummary({
  destination,
  onEdit,
}: {
  destination: Destination;
  onEdit?: (() => void) | undefined;
}) {
  const session = useCurrentSession();
  const audiences = useQuery({
    queryKey: pickerQueryKey(session.workspace.id, 'audiences'),
    queryFn: pickerApi.audiences,
    enabled: destination.subscriptions.some((subscription) => subscription.kind === 'audience'),
  });
  const names = new Map((audiences.data?.data ?? []).map((audience) => [audience.id, audience.name]));
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label="Receives">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Receives
          </Text>
          {destination.subscriptions.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing yet: add a subscription in Settings.
            </Text>
          ) : (
            destination.subscriptions.map((subscription, index) => (
              // Subscriptions have no id; their order is their identity in the API too.
              <Text size="sm" key={index}>
                {describeSubscription(subscription, names)}
              </Text>
            ))
          )}
          {destination.purposes.length > 0 && (
            <Text size="sm" c="dimmed">
              Only people who consented to {destination.purposes.join(', ')}.
            </Text>
          )}
        </Stack>
        {onEdit && (
          <Button variant="subtle" size="compact-sm" onClick={onEdit}>
            Edit
          </Button>
        )}
      </Group>
    </Card>
  );
}

function DestinationSettings({ destination }: { destination: Destination }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  // Bumped by this form's own saves only: a change made elsewhere, arriving with the page's
  // periodic refresh, never wipes what someone is typing.
  const [savedVersion, setSavedVersion] = useState(0);
  const update = useMutation({
    mutationFn: (body: ReturnType<typeof updateBody>) => destinationsApi.update(destination.id, body),
    onSuccess: async (answer) => {
      queryClient.setQueryData(destinationQueryKey(session.workspace.id, destination.id), answer);
      await queryClient.invalidateQueries({ queryKey: destinationsQueryKey(session.workspace.id) });
      setSavedVersion((version) => version + 1);
      setSaved(true);
    },
  });
  return (
    <Stack>
      {saved && !update.isPending && (
        <Alert color="teal" withCloseButton onClose={() => setSaved(false)}>
          Saved. New deliveries use these settings.
        </Alert>
      )}
      <DestinationEditor
        // Answered afresh after a save: the form shows what is stored (secrets emptied again).
        key={savedVersion}
        mode="edit"
        initial={formFromDestination(destination)}
        storedSecrets={destination.secrets}
        saving={update.isPending}
        error={update.error}
        submitLabel="Save changes"
        onSubmit={(form) => {
          setSaved(false);
          update.mutate(updateBody(form));
        }}
      />
    </Stack>
  );
}

function PauseButton({ destination }: { destination: Destination }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => destinationsApi.update(destination.id, { enabled: !destination.enabled }),
    onSuccess: async (answer) => {
      queryClient.setQueryData(destinationQueryKey(session.workspace.id, destination.id), answer);
      await queryClient.invalidateQueries({ queryKey: destinationsQueryKey(session.workspace.id) });
    },
  });
  return (
    <Stack gap={4} align="flex-end">
      <Button variant="default" loading={toggle.isPending} onClick={() => toggle.mutate()}>
        {destination.enabled ? 'Pause' : 'Resume'}
      </Button>
      {toggle.error && (
        <Text size="xs" c="red" role="alert">
          {errorMessage(toggle.error)}
        </Text>
      )}
    </Stack>
  );
}

function DeleteDestinationButton({ destination }: { destination: Destination }) {
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => destinationsApi.remove(destination.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: destinationQueryKey(session.workspace.id, destination.id) });
      await queryClient.invalidateQueries({ queryKey: destinationsQueryKey(session.workspace.id) });
      navigate('/destinations');
    },
  });
  return (
    <ConfirmActionButton
      label="Delete"
      ariaLabel={`Delete destination ${destination.name}`}
      question={`Delete “${destination.name}”? Nothing more is sent to it, and its delivery log and dead letters are removed.`}
      confirmLabel="Confirm delete"
      opened={confirming}
      onOpenedChange={(opened) => {
        setConfirming(opened);
        if (!opened) remove.reset();
      }}
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate()}
      variant="outline"
    />
  );
}
