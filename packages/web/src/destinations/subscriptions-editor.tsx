import {
  ActionIcon,
  Alert,
  Autocomplete,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Menu,
  MultiSelect,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { ConditionsEditor } from './conditions-editor';
import {
  type AudienceSubscriptionForm,
  EVENT_CALL_TYPES,
  type EventSubscriptionForm,
  emptySubscription,
  type SubscriptionForm,
  type SubscriptionKind,
  type TraitSubscriptionForm,
} from './destination-form';
import { type CatalogEventNames, pickerApi, pickerQueryKey } from './destinations-api';
import { MappingEditor } from './mapping-editor';

const KIND_LABELS: Record<SubscriptionKind, string> = {
  event: 'Events',
  audience: 'Audience entered / exited',
  trait: 'Computed-trait changes',
};

const KIND_HINTS: Record<SubscriptionKind, string> = {
  event: 'Tracked events as they arrive, filtered by type, name and properties.',
  audience: 'A person entering or leaving an audience.',
  trait: 'A computed trait of a person taking a new value.',
};

const CALL_TYPE_OPTIONS = [
  { value: '', label: 'Any call' },
  ...EVENT_CALL_TYPES.map((type) => ({
    value: type,
    label: type === 'track' ? 'Track (events)' : capitalize(type),
  })),
];

type SubscriptionsEditorProps = {
  subscriptions: SubscriptionForm[];
  onChange: (subscriptions: SubscriptionForm[]) => void;
  problems: Record<string, string>;
};

/** What the destination receives: one card per subscription, each with an optional mapping. */
export function SubscriptionsEditor({ subscriptions, onChange, problems }: SubscriptionsEditorProps) {
  const pickers = usePickers();
  const update = (index: number, next: SubscriptionForm) =>
    onChange(subscriptions.map((subscription, at) => (at === index ? next : subscription)));

  return (
    <Stack gap="sm">
      {subscriptions.length === 0 && (
        <Text c="dimmed" size="sm">
          Nothing is sent until the destination subscribes to something. Add events, audiences or
          computed-trait changes.
        </Text>
      )}
      {subscriptions.map((subscription, index) => {
        const label = `Subscription ${index + 1}`;
        return (
          <Card
            key={subscription.key}
            withBorder
            padding="md"
            radius="md"
            aria-label={label}
            component="section"
          >
            <Stack gap="sm">
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs">
                  <Badge variant="light">{KIND_LABELS[subscription.kind]}</Badge>
                  <Text size="sm" c="dimmed">
                    {KIND_HINTS[subscription.kind]}
                  </Text>
                </Group>
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={`Remove ${label.toLowerCase()}`}
                  onClick={() => onChange(subscriptions.filter((_, at) => at !== index))}
                >
                  ✕
                </ActionIcon>
              </Group>
              {subscription.kind === 'event' && (
                <EventFields
                  subscription={subscription}
                  onChange={(next) => update(index, next)}
                  events={pickers.events}
                  label={label}
                />
              )}
              {subscription.kind === 'audience' && (
                <AudienceFields
                  subscription={subscription}
                  onChange={(next) => update(index, next)}
                  audiences={pickers.audiences}
                  label={label}
                />
              )}
              {subscription.kind === 'trait' && (
                <TraitFields
                  subscription={subscription}
                  onChange={(next) => update(index, next)}
                  traits={pickers.traits}
                  label={label}
                />
              )}
              <MappingEditor
                enabled={subscription.mappingEnabled}
                mapping={subscription.mapping}
                label={label}
                onChange={(patch) => update(index, { ...subscription, ...patch })}
              />
              {problems[`subscriptions.${index}`] && (
                <Text size="sm" c="red" role="alert">
                  {problems[`subscriptions.${index}`]}
                </Text>
              )}
            </Stack>
          </Card>
        );
      })}
      {pickers.error && (
        <Alert color="yellow" title="Could not load the pickers">
          {pickers.error}
        </Alert>
      )}
      <Group>
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>
            <Button variant="light">+ Add subscription</Button>
          </Menu.Target>
          <Menu.Dropdown>
            {(Object.keys(KIND_LABELS) as SubscriptionKind[]).map((kind) => (
              <Menu.Item key={kind} onClick={() => onChange([...subscriptions, emptySubscription(kind)])}>
                <Text size="sm" fw={500}>
                  {KIND_LABELS[kind]}
                </Text>
                <Text size="xs" c="dimmed">
                  {KIND_HINTS[kind]}
                </Text>
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
    </Stack>
  );
}

function EventFields({
  subscription,
  onChange,
  events,
  label,
}: {
  subscription: EventSubscriptionForm;
  onChange: (next: EventSubscriptionForm) => void;
  events: readonly CatalogEventNames[];
  label: string;
}) {
  const named = subscription.callType === 'track' || subscription.callType === '';
  const picked = events.find((event) => event.name === subscription.eventName.trim());
  const propertyNames = picked
    ? picked.properties
    : [...new Set(events.flatMap((event) => event.properties))].sort();
  return (
    <Stack gap="xs">
      <Group grow align="flex-start">
        <Select
          label="Call type"
          aria-label={`${label} call type`}
          data={CALL_TYPE_OPTIONS}
          value={subscription.callType}
          allowDeselect={false}
          onChange={(value) =>
            onChange({ ...subscription, callType: (value ?? '') as EventSubscriptionForm['callType'] })
          }
        />
        <Autocomplete
          label="Event name"
          aria-label={`${label} event name`}
          description={named ? 'Empty: every event.' : 'Only track calls have an event name.'}
          placeholder="Order Completed"
          disabled={!named}
          data={events.map((event) => event.name)}
          value={named ? subscription.eventName : ''}
          onChange={(eventName) => onChange({ ...subscription, eventName })}
        />
      </Group>
      <ConditionsEditor
        rows={subscription.where}
        onChange={(where) => onChange({ ...subscription, where })}
        propertyNames={propertyNames}
        label={label}
      />
    </Stack>
  );
}

function AudienceFields({
  subscription,
  onChange,
  audiences,
  label,
}: {
  subscription: AudienceSubscriptionForm;
  onChange: (next: AudienceSubscriptionForm) => void;
  audiences: readonly { id: string; name: string }[];
  label: string;
}) {
  const options = audiences.map((audience) => ({ value: audience.id, label: audience.name }));
  // A subscription to an audience this list does not hold (deleted, or beyond the first page) stays visible.
  if (subscription.audienceId && !options.some((option) => option.value === subscription.audienceId)) {
    options.push({ value: subscription.audienceId, label: subscription.audienceId });
  }
  return (
    <Group align="flex-end" gap="lg">
      <Select
        label="Audience"
        aria-label={`${label} audience`}
        placeholder={audiences.length ? 'Pick an audience' : 'No audiences yet: create one first'}
        data={options}
        searchable
        value={subscription.audienceId || null}
        onChange={(value) => onChange({ ...subscription, audienceId: value ?? '' })}
        miw={280}
      />
      <Checkbox
        label="When a person enters"
        aria-label={`${label} on entered`}
        checked={subscription.entered}
        onChange={(event) => onChange({ ...subscription, entered: event.currentTarget.checked })}
        mb={8}
      />
      <Checkbox
        label="When a person exits"
        aria-label={`${label} on exited`}
        checked={subscription.exited}
        onChange={(event) => onChange({ ...subscription, exited: event.currentTarget.checked })}
        mb={8}
      />
    </Group>
  );
}

function TraitFields({
  subscription,
  onChange,
  traits,
  label,
}: {
  subscription: TraitSubscriptionForm;
  onChange: (next: TraitSubscriptionForm) => void;
  traits: readonly string[];
  label: string;
}) {
  const data = [...new Set([...traits, ...subscription.traits])];
  return (
    <MultiSelect
      label="Computed traits"
      aria-label={`${label} computed traits`}
      description="Empty: a change of any computed trait."
      placeholder={subscription.traits.length ? undefined : 'Every computed trait'}
      data={data}
      searchable
      value={subscription.traits}
      onChange={(next) => onChange({ ...subscription, traits: next })}
      maw={560}
    />
  );
}

/** Audiences, computed traits and events to pick from; each degrades to empty on its own. */
function usePickers() {
  const session = useCurrentSession();
  const workspaceId = session.workspace.id;
  const audiences = useQuery({
    queryKey: pickerQueryKey(workspaceId, 'audiences'),
    queryFn: pickerApi.audiences,
  });
  const traits = useQuery({
    queryKey: pickerQueryKey(workspaceId, 'computed-traits'),
    queryFn: pickerApi.computedTraits,
  });
  const events = useQuery({
    queryKey: pickerQueryKey(workspaceId, 'events'),
    queryFn: pickerApi.eventCatalog,
  });
  const failed = [
    audiences.error && 'audiences',
    traits.error && 'computed traits',
    events.error && 'events',
  ].filter(Boolean);
  return {
    audiences: audiences.data?.data ?? [],
    traits: traits.data?.data.map((trait) => trait.name) ?? [],
    events: events.data ?? [],
    error: failed.length
      ? `The lists of ${failed.join(' and ')} could not be loaded; type the names instead.`
      : null,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
