import { Autocomplete, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { CRM_CHANGE_EVENTS, type JourneyEntry } from '@tandem/contract';
import { useCatalogEvents, useCatalogTraits } from '../rules/catalog-api';
import { WhereConditions } from '../rules/where-conditions';
import { DurationField } from './duration-field';
import type { EntryData } from './journey-graph';
import { ResourceSelect } from './journey-pickers';
import { useFieldProblem } from './journey-problems';

const ENTRY_KINDS: { value: JourneyEntry['kind']; label: string }[] = [
  { value: 'event', label: 'They perform an event' },
  { value: 'audience_entered', label: 'They enter an audience' },
  { value: 'audience_exited', label: 'They leave an audience' },
  { value: 'crm_change', label: 'A CRM change (deal stage, ticket solved…)' },
  { value: 'date_trait', label: 'A date trait comes (birthday, renewal…)' },
  { value: 'schedule', label: 'On a schedule' },
];

/** A fresh entry of `kind`, its fields to fill. */
function newEntry(kind: JourneyEntry['kind']): JourneyEntry {
  switch (kind) {
    case 'event':
      return { kind, event: '' };
    case 'audience_entered':
    case 'audience_exited':
      return { kind, audienceId: '' };
    case 'crm_change':
      return { kind, event: 'Deal Stage Changed' };
    case 'date_trait':
      return { kind, trait: '', yearly: true };
    case 'schedule':
      return { kind, cron: '0 9 * * 1' };
  }
}

type EntryPanelProps = { data: EntryData; onChange: (data: EntryData) => void };

/** Who starts the journey: the entry's kind and its fields. */
export function EntryPanel({ data, onChange }: EntryPanelProps) {
  const { entry } = data;
  const set = (next: JourneyEntry) => onChange({ ...data, entry: next });
  return (
    <Stack gap="sm">
      <Select
        label="People enter when"
        data={ENTRY_KINDS}
        value={entry.kind}
        allowDeselect={false}
        onChange={(kind) =>
          kind && onChange({ entry: newEntry(kind as JourneyEntry['kind']), whereRows: [] })
        }
        comboboxProps={{ withinPortal: true }}
      />
      <EntryFields data={data} set={set} onChange={onChange} />
    </Stack>
  );
}

function EntryFields({ data, set, onChange }: EntryPanelProps & { set: (entry: JourneyEntry) => void }) {
  const { entry } = data;
  const events = useCatalogEvents().data?.data ?? [];
  const traits = useCatalogTraits().data?.data ?? [];
  const eventProblem = useFieldProblem(undefined, 'entry.event');
  const audienceProblem = useFieldProblem(undefined, 'entry.audienceId');
  const traitProblem = useFieldProblem(undefined, 'entry.trait');
  const cronProblem = useFieldProblem(undefined, 'entry.cron');
  switch (entry.kind) {
    case 'event':
    case 'crm_change': {
      const properties = events.find((e) => e.name === entry.event)?.properties ?? [];
      return (
        <>
          {entry.kind === 'event' ? (
            <Autocomplete
              label="Event"
              placeholder="e.g. Signed Up"
              data={events.map((e) => e.name)}
              value={entry.event}
              onChange={(event) => set({ ...entry, event })}
              error={eventProblem}
              comboboxProps={{ withinPortal: true }}
            />
          ) : (
            <Select
              label="CRM change"
              data={[...CRM_CHANGE_EVENTS]}
              value={entry.event}
              allowDeselect={false}
              onChange={(event) =>
                event && set({ ...entry, event: event as (typeof CRM_CHANGE_EVENTS)[number] })
              }
              comboboxProps={{ withinPortal: true }}
            />
          )}
          <Text size="xs" c="dimmed">
            Only when its properties match (optional):
          </Text>
          <WhereConditions
            rows={data.whereRows}
            onChange={(whereRows) => onChange({ ...data, whereRows })}
            properties={properties}
            label={entry.event || 'Event'}
          />
        </>
      );
    }
    case 'audience_entered':
    case 'audience_exited':
      return (
        <ResourceSelect
          label="Audience"
          source="audiences"
          value={entry.audienceId}
          onChange={(audienceId) => set({ ...entry, audienceId })}
          error={audienceProblem}
        />
      );
    case 'date_trait':
      return (
        <>
          <Autocomplete
            label="Date trait"
            placeholder="e.g. birthday"
            data={traits.filter((t) => t.type === 'date' || t.type === 'string').map((t) => t.name)}
            value={entry.trait}
            onChange={(trait) => set({ ...entry, trait })}
            error={traitProblem}
            comboboxProps={{ withinPortal: true }}
          />
          <DurationField
            label="Offset (optional)"
            signed
            value={entry.offset ?? ''}
            onChange={(offset) => set(withOptional(entry, 'offset', offset))}
          />
          <TextInput
            label="At time of day (optional)"
            placeholder="09:00"
            value={entry.atTimeOfDay ?? ''}
            onChange={(event) => set(withOptional(entry, 'atTimeOfDay', event.currentTarget.value))}
          />
          <Switch
            label="Every year (birthdays, renewals)"
            checked={entry.yearly ?? false}
            onChange={(event) => set({ ...entry, yearly: event.currentTarget.checked })}
          />
        </>
      );
    case 'schedule':
      return (
        <>
          <TextInput
            label="Cron (UTC)"
            description="Five fields: minute hour day month weekday"
            value={entry.cron}
            onChange={(event) => set({ ...entry, cron: event.currentTarget.value })}
            error={cronProblem}
          />
          <ResourceSelect
            label="Audience (optional: else everyone with an email)"
            source="audiences"
            value={entry.audienceId ?? ''}
            onChange={(audienceId) => set(withOptional(entry, 'audienceId', audienceId))}
          />
        </>
      );
  }
}

/** `target` with `key` set, or without it when the text is empty (optional fields stay absent). */
export function withOptional<T extends object, K extends keyof T>(target: T, key: K, text: string): T {
  const { [key]: _dropped, ...rest } = target;
  // The rest is T without one optional key, which T allows.
  return (text === '' ? rest : { ...target, [key]: text }) as T;
}
