import { Group, NumberInput, Stack, TextInput } from '@mantine/core';
import { ATTRIBUTION_MODELS } from '@tandem/contract';
import { EventSelect, Field, type FormProps, SmallSelect, WhereField } from './query-form-fields';

export function PathsForm({ query, onChange }: FormProps<'paths'>) {
  return (
    <Stack>
      <Group gap="md" align="flex-end">
        <SmallSelect
          label="Show what people do"
          data={['after', 'before'] as const}
          value={query.direction}
          onChange={(direction) => onChange({ ...query, direction })}
        />
        <Field label="Anchor event">
          <EventSelect
            label="Anchor event"
            value={query.event}
            onChange={(event) => onChange({ ...query, event })}
          />
        </Field>
      </Group>
      <Group gap="md">
        <NumberInput
          label="Steps"
          min={1}
          max={6}
          value={query.steps}
          onChange={(steps) => onChange({ ...query, steps: Number(steps) || 1 })}
          w={100}
        />
        <NumberInput
          label="Events kept per step"
          min={2}
          max={20}
          value={query.width}
          onChange={(width) => onChange({ ...query, width: Number(width) || 2 })}
          w={170}
        />
      </Group>
      <WhereField query={query} events={[]} onChange={onChange} />
    </Stack>
  );
}

export function RetentionForm({ query, onChange }: FormProps<'retention'>) {
  return (
    <Stack>
      <Field label="A person's cohort is when they first did">
        <EventSelect
          label="Cohort event"
          value={query.startEvent.event}
          onChange={(event) => onChange({ ...query, startEvent: { ...query.startEvent, event } })}
        />
      </Field>
      <Field label="Returning means doing (empty: any event)">
        <EventSelect
          label="Return event"
          value={query.returnEvent?.event ?? ''}
          onChange={(event) => {
            const { returnEvent: _dropped, ...rest } = query;
            onChange(event ? { ...rest, returnEvent: { event, where: [] } } : rest);
          }}
        />
      </Field>
      <Group gap="md">
        <SmallSelect
          label="Interval"
          data={['day', 'week', 'month'] as const}
          value={query.interval}
          onChange={(interval) => onChange({ ...query, interval })}
        />
        <NumberInput
          label="Cohorts"
          min={1}
          max={52}
          value={query.cohorts}
          onChange={(cohorts) => onChange({ ...query, cohorts: Number(cohorts) || 1 })}
          w={110}
        />
      </Group>
      <WhereField query={query} events={[]} onChange={onChange} />
    </Stack>
  );
}

export function AttributionForm({ query, onChange }: FormProps<'attribution'>) {
  return (
    <Stack>
      <Field label="Conversion event">
        <EventSelect
          label="Conversion event"
          value={query.conversion.event}
          onChange={(event) => onChange({ ...query, conversion: { ...query.conversion, event } })}
        />
      </Field>
      <Group gap="md" align="flex-end">
        <SmallSelect
          label="Model"
          data={ATTRIBUTION_MODELS}
          value={query.model}
          onChange={(model) => onChange({ ...query, model })}
        />
        <SmallSelect
          label="Credit to"
          data={['campaign', 'source', 'medium', 'source_medium'] as const}
          labels={{ source_medium: 'source / medium' }}
          value={query.by}
          onChange={(by) => onChange({ ...query, by })}
        />
      </Group>
      <Group gap="md">
        <TextInput
          label="Revenue property"
          value={query.revenueProperty}
          onChange={(event) => onChange({ ...query, revenueProperty: event.currentTarget.value })}
          w={170}
        />
        <TextInput
          label="Lookback"
          value={query.lookback}
          onChange={(event) => onChange({ ...query, lookback: event.currentTarget.value.trim() })}
          w={110}
        />
        {query.model === 'time_decay' ? (
          <TextInput
            label="Half-life"
            value={query.halfLife}
            onChange={(event) => onChange({ ...query, halfLife: event.currentTarget.value.trim() })}
            w={110}
          />
        ) : null}
      </Group>
      <WhereField query={query} events={[]} onChange={onChange} />
    </Stack>
  );
}

/** The form of the query's kind. */
