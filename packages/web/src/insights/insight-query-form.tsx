import { ActionIcon, Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import {
  ATTRIBUTION_MODELS,
  FUNNEL_ORDERS,
  INSIGHT_INTERVALS,
  type InsightQuery,
  TREND_MEASURES,
} from '@tandem/contract';
import type { ReactNode } from 'react';
import { NameSelect } from '../rules/name-select';
import { useRulePickers } from '../rules/rule-pickers';
import { BreakdownEditor, FiltersEditor } from './insight-filters';

type Query<K extends InsightQuery['kind']> = Extract<InsightQuery, { kind: K }>;
type FormProps<K extends InsightQuery['kind']> = { query: Query<K>; onChange: (query: Query<K>) => void };

function EventSelect(props: {
  label: string;
  value: string;
  onChange: (event: string) => void;
  width?: number;
}) {
  const { events } = useRulePickers();
  return (
    <NameSelect
      label={props.label}
      placeholder="Pick an event"
      options={events.map((event) => ({ value: event.name, label: `${event.name}` }))}
      value={props.value}
      onChange={props.onChange}
      nothingFound="No event of this name tracked yet"
      width={props.width ?? 230}
    />
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {children}
    </Stack>
  );
}

function SmallSelect<T extends string>(props: {
  label: string;
  data: readonly T[];
  labels?: Partial<Record<T, string>>;
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <Select
      label={props.label}
      data={props.data.map((value) => ({
        value,
        label: props.labels?.[value] ?? value.replaceAll('_', ' '),
      }))}
      value={props.value}
      allowDeselect={false}
      onChange={(next) => next && props.onChange(next as T)}
      w={170}
    />
  );
}

function TrendForm({ query, onChange }: FormProps<'trend'>) {
  const events = query.series.map((s) => s.event);
  return (
    <Stack>
      <Field label="Series">
        {query.series.map((series, index) => (
          <Group key={index} gap="xs" align="flex-end" wrap="nowrap">
            <EventSelect
              width={185}
              label={`Series ${index + 1} event`}
              value={series.event}
              onChange={(event) =>
                onChange({
                  ...query,
                  series: query.series.map((s, i) => (i === index ? { ...s, event } : s)),
                })
              }
            />
            <Select
              aria-label={`Series ${index + 1} measure`}
              data={TREND_MEASURES.map((measure) => ({ value: measure, label: MEASURE_LABELS[measure] }))}
              value={series.measure}
              allowDeselect={false}
              w={135}
              onChange={(measure) =>
                measure &&
                onChange({
                  ...query,
                  series: query.series.map((s, i) =>
                    i === index ? { ...s, measure: measure as typeof s.measure } : s,
                  ),
                })
              }
            />
            {series.measure === 'sum' || series.measure === 'average' ? (
              <TextInput
                aria-label={`Series ${index + 1} property`}
                placeholder="Numeric property"
                value={series.property ?? ''}
                onChange={(event) => {
                  const property = event.currentTarget.value;
                  onChange({
                    ...query,
                    series: query.series.map((s, i) => (i === index ? { ...s, property } : s)),
                  });
                }}
                w={150}
              />
            ) : null}
            {query.series.length > 1 ? (
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Remove series ${index + 1}`}
                onClick={() => onChange({ ...query, series: query.series.filter((_, i) => i !== index) })}
                mb={6}
              >
                ×
              </ActionIcon>
            ) : null}
          </Group>
        ))}
        <div>
          <Button
            variant="light"
            size="xs"
            disabled={query.series.length >= 10}
            onClick={() =>
              onChange({ ...query, series: [...query.series, { event: '', measure: 'count', where: [] }] })
            }
          >
            Add series
          </Button>
        </div>
      </Field>
      <SmallSelect
        label="Interval"
        data={INSIGHT_INTERVALS}
        value={query.interval}
        onChange={(interval) => onChange({ ...query, interval })}
      />
      <Field label="Filters">
        <FiltersEditor
          filters={query.where}
          events={events}
          onChange={(where) => onChange({ ...query, where })}
        />
      </Field>
      <Field label="Breakdown">
        <BreakdownEditor
          breakdown={query.breakdown}
          events={events}
          onChange={(breakdown) => onChange(withBreakdown(query, breakdown))}
        />
      </Field>
    </Stack>
  );
}

const MEASURE_LABELS = {
  count: 'Total events',
  people: 'Unique people',
  sum: 'Sum of',
  average: 'Average of',
} as const;

function withBreakdown<Q extends Query<'trend'> | Query<'funnel'>>(query: Q, breakdown: Q['breakdown']): Q {
  if (breakdown) return { ...query, breakdown };
  const { breakdown: _dropped, ...rest } = query;
  // Only the breakdown was removed: the rest is the same query.
  return rest as Q;
}

function FunnelForm({ query, onChange }: FormProps<'funnel'>) {
  const events = query.steps.map((s) => s.event);
  return (
    <Stack>
      <Field label="Steps, in order">
        {query.steps.map((step, index) => (
          <Group key={index} gap="xs" align="center">
            <Text size="sm" c="dimmed" w={18}>
              {index + 1}.
            </Text>
            <EventSelect
              label={`Step ${index + 1} event`}
              value={step.event}
              onChange={(event) =>
                onChange({ ...query, steps: query.steps.map((s, i) => (i === index ? { ...s, event } : s)) })
              }
            />
            {query.steps.length > 2 ? (
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Remove step ${index + 1}`}
                onClick={() => onChange({ ...query, steps: query.steps.filter((_, i) => i !== index) })}
              >
                ×
              </ActionIcon>
            ) : null}
          </Group>
        ))}
        <div>
          <Button
            variant="light"
            size="xs"
            disabled={query.steps.length >= 10}
            onClick={() => onChange({ ...query, steps: [...query.steps, { event: '', where: [] }] })}
          >
            Add step
          </Button>
        </div>
      </Field>
      <Group gap="md" align="flex-end">
        <TextInput
          label="Converted within"
          description="e.g. 1h, 7d, 4w"
          value={query.within}
          onChange={(event) => onChange({ ...query, within: event.currentTarget.value.trim() })}
          w={140}
        />
        <SmallSelect
          label="Step order"
          data={FUNNEL_ORDERS}
          labels={{ sequential: 'In order', strict: 'Strictly next', any: 'Any order' }}
          value={query.order}
          onChange={(order) => onChange({ ...query, order })}
        />
      </Group>
      <Field label="Exclude people who did (between first and last step)">
        <Group gap="xs">
          <EventSelect
            label="Exclusion event"
            value={query.exclusions[0]?.event ?? ''}
            onChange={(event) => onChange({ ...query, exclusions: event ? [{ event, where: [] }] : [] })}
          />
        </Group>
      </Field>
      <Field label="Filters">
        <FiltersEditor
          filters={query.where}
          events={events}
          onChange={(where) => onChange({ ...query, where })}
        />
      </Field>
      <Field label="Breakdown">
        <BreakdownEditor
          breakdown={query.breakdown}
          events={events}
          onChange={(breakdown) => onChange(withBreakdown(query, breakdown))}
        />
      </Field>
    </Stack>
  );
}

function PathsForm({ query, onChange }: FormProps<'paths'>) {
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
      <Field label="Filters">
        <FiltersEditor
          filters={query.where}
          events={[]}
          onChange={(where) => onChange({ ...query, where })}
        />
      </Field>
    </Stack>
  );
}

function RetentionForm({ query, onChange }: FormProps<'retention'>) {
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
      <Field label="Filters">
        <FiltersEditor
          filters={query.where}
          events={[]}
          onChange={(where) => onChange({ ...query, where })}
        />
      </Field>
    </Stack>
  );
}

function AttributionForm({ query, onChange }: FormProps<'attribution'>) {
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
      <Field label="Filters">
        <FiltersEditor
          filters={query.where}
          events={[]}
          onChange={(where) => onChange({ ...query, where })}
        />
      </Field>
    </Stack>
  );
}

/** The form of the query's kind. */
export function InsightQueryForm({
  query,
  onChange,
}: {
  query: InsightQuery;
  onChange: (q: InsightQuery) => void;
}) {
  switch (query.kind) {
    case 'trend':
      return <TrendForm query={query} onChange={onChange} />;
    case 'funnel':
      return <FunnelForm query={query} onChange={onChange} />;
    case 'paths':
      return <PathsForm query={query} onChange={onChange} />;
    case 'retention':
      return <RetentionForm query={query} onChange={onChange} />;
    case 'attribution':
      return <AttributionForm query={query} onChange={onChange} />;
    default: {
      const never: never = query;
      return <Text>Unknown insight {String(never)}</Text>;
    }
  }
}
