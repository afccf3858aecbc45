import { Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { FUNNEL_ORDERS, INSIGHT_INTERVALS, TREND_MEASURES } from '@tandem/contract';
import { EventRows } from './event-rows';
import { BreakdownEditor } from './insight-filters';
import { EventSelect, Field, type FormProps, type Query, SmallSelect, WhereField } from './query-form-fields';

export function TrendForm({ query, onChange }: FormProps<'trend'>) {
  const events = query.series.map((s) => s.event);
  return (
    <Stack>
      <Field label="Series">
        <EventRows
          noun="series"
          rows={query.series}
          minimum={1}
          blank={{ event: '', measure: 'count', where: [] }}
          onChange={(series) => onChange({ ...query, series })}
          eventWidth={185}
          align="flex-end"
          after={(series, change, index) => (
            <>
              <Select
                aria-label={`Series ${index + 1} measure`}
                data={TREND_MEASURES.map((measure) => ({ value: measure, label: MEASURE_LABELS[measure] }))}
                value={series.measure}
                allowDeselect={false}
                w={160}
                // The options are TREND_MEASURES.
                onChange={(measure) => measure && change({ measure: measure as typeof series.measure })}
              />
              {series.measure === 'sum' || series.measure === 'average' ? (
                <TextInput
                  aria-label={`Series ${index + 1} property`}
                  placeholder="Numeric property"
                  value={series.property ?? ''}
                  onChange={(event) => change({ property: event.currentTarget.value })}
                  w={150}
                />
              ) : null}
            </>
          )}
        />
      </Field>
      <SmallSelect
        label="Interval"
        data={INSIGHT_INTERVALS}
        value={query.interval}
        onChange={(interval) => onChange({ ...query, interval })}
      />
      <FiltersAndBreakdown query={query} events={events} onChange={onChange} />
    </Stack>
  );
}

const MEASURE_LABELS = {
  count: 'Total events',
  people: 'Unique people',
  sum: 'Sum of',
  average: 'Average of',
} as const;

/** The filters and the breakdown, alike in both forms; `events` are the query's, for property pickers. */
function FiltersAndBreakdown<Q extends Query<'trend'> | Query<'funnel'>>({
  query,
  events,
  onChange,
}: {
  query: Q;
  events: readonly string[];
  onChange: (query: Q) => void;
}) {
  return (
    <>
      <WhereField query={query} events={events} onChange={onChange} />
      <Field label="Breakdown">
        <BreakdownEditor
          breakdown={query.breakdown}
          events={events}
          onChange={(breakdown) => onChange(withBreakdown(query, breakdown))}
        />
      </Field>
    </>
  );
}

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
        <EventRows
          noun="step"
          rows={query.steps}
          minimum={2}
          blank={{ event: '', where: [] }}
          onChange={(steps) => onChange({ ...query, steps })}
          align="center"
          before={(index) => (
            <Text size="sm" c="dimmed" w={18}>
              {index + 1}.
            </Text>
          )}
        />
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
      <FiltersAndBreakdown query={query} events={events} onChange={onChange} />
    </Stack>
  );
}
