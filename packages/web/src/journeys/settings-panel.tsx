import { Autocomplete, NumberInput, Select, Stack, Text } from '@mantine/core';
import type { JourneySettings } from '@tandem/contract';
import { useCatalogEvents } from '../rules/catalog-api';
import { DurationField } from './duration-field';
import { withOptional } from './entry-panel';
import { useFieldProblem } from './journey-problems';

type SettingsPanelProps = { settings: JourneySettings; onChange: (settings: JourneySettings) => void };

/** Re-entry, exit condition, goal, holdout and what an email over the frequency cap does. */
export function SettingsPanel({ settings, onChange }: SettingsPanelProps) {
  const events = (useCatalogEvents().data?.data ?? []).map((e) => e.name);
  const holdoutProblem = useFieldProblem(undefined, 'settings.holdoutPercent');
  const eventField = (key: 'exitWhen' | 'goal', label: string, description: string) => (
    <Autocomplete
      label={label}
      description={description}
      placeholder="No event"
      data={events}
      value={settings[key]?.event ?? ''}
      onChange={(event) => {
        const { [key]: _previous, ...rest } = settings;
        onChange(event === '' ? rest : { ...settings, [key]: { event } });
      }}
      comboboxProps={{ withinPortal: true }}
    />
  );
  return (
    <Stack gap="sm">
      <Select
        label="Re-entry"
        data={[
          { value: 'never', label: 'Once per person' },
          { value: 'after_exit', label: 'Again once they left' },
          { value: 'always', label: 'Any time, even while in it' },
        ]}
        value={settings.reEntry}
        allowDeselect={false}
        onChange={(reEntry) =>
          onChange({ ...settings, reEntry: (reEntry ?? 'never') as JourneySettings['reEntry'] })
        }
        comboboxProps={{ withinPortal: true }}
      />
      {settings.reEntry !== 'never' ? (
        <DurationField
          label="At most once every (optional)"
          value={settings.reEntryAfter ?? ''}
          onChange={(reEntryAfter) => onChange(withOptional(settings, 'reEntryAfter', reEntryAfter))}
        />
      ) : null}
      {eventField('exitWhen', 'Exit when', 'An event that takes a person out, checked at every step')}
      {eventField('goal', 'Goal', 'The conversion event: a person who performs it leaves, converted')}
      <NumberInput
        label="Holdout (%)"
        description="Entrants kept out of every step, to compare goal conversion against"
        value={settings.holdoutPercent}
        min={0}
        max={50}
        onChange={(next) => onChange({ ...settings, holdoutPercent: Number(next) || 0 })}
        error={holdoutProblem}
      />
      <Select
        label="Over the frequency cap, an email"
        data={[
          { value: 'wait', label: 'waits for room' },
          { value: 'skip', label: 'is skipped' },
        ]}
        value={settings.overCap}
        allowDeselect={false}
        onChange={(overCap) => onChange({ ...settings, overCap: overCap === 'skip' ? 'skip' : 'wait' })}
        comboboxProps={{ withinPortal: true }}
      />
      <Text size="xs" c="dimmed">
        Marketing emails count against the workspace's cap whichever journey or broadcast sends them.
      </Text>
    </Stack>
  );
}
