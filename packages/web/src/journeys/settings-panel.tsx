import { Autocomplete, NumberInput, Select, Stack, Text } from '@mantine/core';
import type { JourneySettings } from '@tandem/contract';
import { useCatalogEvents } from '../rules/catalog-api';
import type { WhereRow } from '../rules/rule-model';
import { WhereConditions } from '../rules/where-conditions';
import { DurationField } from './duration-field';
import { withOptional } from './entry-panel';
import type { SettingsEvent } from './journey-graph';
import { useFieldProblem } from './journey-problems';

type SettingsPanelProps = {
  settings: JourneySettings;
  /** The exit and goal events' property filters, as the where editor holds them. */
  whereRows: Record<SettingsEvent, WhereRow[]>;
  onChange: (settings: JourneySettings) => void;
  onWhereRowsChange: (whereRows: Record<SettingsEvent, WhereRow[]>) => void;
};

/** Re-entry, exit condition, goal, holdout and what an email over the frequency cap does. */
export function SettingsPanel({ settings, whereRows, onChange, onWhereRowsChange }: SettingsPanelProps) {
  const events = useCatalogEvents().data?.data ?? [];
  const holdoutProblem = useFieldProblem(undefined, 'settings.holdoutPercent');
  const eventField = (key: SettingsEvent, label: string, description: string) => {
    const condition = settings[key];
    return (
      <>
        <Autocomplete
          label={label}
          description={description}
          placeholder="No event"
          data={events.map((e) => e.name)}
          value={condition?.event ?? ''}
          onChange={(event) => {
            const { [key]: _previous, ...rest } = settings;
            // A new event keeps the property filters; they are the editor's rows, kept beside.
            onChange(event === '' ? rest : { ...settings, [key]: { ...condition, event } });
          }}
          comboboxProps={{ withinPortal: true }}
        />
        {condition ? (
          <>
            <Text size="xs" c="dimmed">
              Only when its properties match (optional):
            </Text>
            <WhereConditions
              rows={whereRows[key]}
              onChange={(rows) => onWhereRowsChange({ ...whereRows, [key]: rows })}
              properties={events.find((e) => e.name === condition.event)?.properties ?? []}
              label={label}
            />
          </>
        ) : null}
      </>
    );
  };
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
