import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { FUNNEL_ORDERS, INSIGHT_INTERVALS, TREND_MEASURES } from '@tandem/contract';
import { BreakdownEditor } from './insight-filters';
import { EventSelect, Field, type FormProps, type Query, SmallSelect, WhereField } from './query-form-fields';

export function TrendForm({ query, onChange }: FormProps<'trend'>) {
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
      <WhereField query={query} events={events} onChange={onChange} />
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

export function FunnelForm({ query, onChange }: FormProps<'funnel'>) {
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
      <WhereField query={query} events={events} onChange={onChange} />
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
