import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import {
  INSIGHT_OPERATORS,
  type InsightBreakdown,
  type InsightFilter,
  MAX_BREAKDOWN_VALUES,
} from '@tandem/contract';
import { NameSelect } from '../rules/name-select';
import { useRulePickers } from '../rules/rule-pickers';

const SUBJECT_LABELS = {
  event: 'Event property',
  person: 'Person trait',
  computed_trait: 'Computed trait',
  audience: 'Audience',
} as const;
type Subject = keyof typeof SUBJECT_LABELS;

const OPERATOR_LABELS: Record<(typeof INSIGHT_OPERATORS)[number], string> = {
  equals: 'equals',
  not_equals: 'does not equal',
  contains: 'contains',
  not_contains: 'does not contain',
  greater_than: 'is greater than',
  less_than: 'is less than',
  exists: 'is set',
  not_exists: 'is not set',
};

/** The names a subject offers: event properties, traits, computed traits or audiences. */
function useSubjectOptions(subject: Subject, events: readonly string[]) {
  const pickers = useRulePickers();
  switch (subject) {
    case 'event': {
      const names = new Set<string>();
      for (const event of pickers.events) {
        if (events.length === 0 || events.includes(event.name)) {
          for (const property of event.properties) names.add(property.name);
        }
      }
      return [...names].sort().map((value) => ({ value }));
    }
    case 'person':
      return pickers.traits.map((trait) => ({ value: trait.name }));
    case 'computed_trait':
      return pickers.computedTraits.map((trait) => ({ value: trait.name }));
    case 'audience':
      return pickers.audiences.map((audience) => ({ value: audience.id, label: audience.name }));
    default:
      return [];
  }
}

function SubjectSelect({ value, onChange }: { value: Subject; onChange: (subject: Subject) => void }) {
  return (
    <Select
      aria-label="Filter on"
      data={Object.entries(SUBJECT_LABELS).map(([subject, label]) => ({ value: subject, label }))}
      value={value}
      allowDeselect={false}
      onChange={(next) => next && onChange(next as Subject)}
      w={150}
    />
  );
}

function FilterRow(props: {
  filter: InsightFilter;
  events: readonly string[];
  onChange: (filter: InsightFilter) => void;
  onRemove: () => void;
}) {
  const { filter } = props;
  const options = useSubjectOptions(filter.on, props.events);
  const changeSubject = (on: Subject) =>
    props.onChange(
      on === 'audience'
        ? { on, audienceId: '', member: true }
        : { on, property: '', operator: 'equals', value: '' },
    );
  return (
    <Group gap="xs" wrap="wrap" align="flex-start">
      <SubjectSelect value={filter.on} onChange={changeSubject} />
      {filter.on === 'audience' ? (
        <>
          <Select
            aria-label="Membership"
            data={[
              { value: 'in', label: 'is in' },
              { value: 'out', label: 'is not in' },
            ]}
            value={filter.member ? 'in' : 'out'}
            allowDeselect={false}
            onChange={(next) => props.onChange({ ...filter, member: next !== 'out' })}
            w={110}
          />
          <NameSelect
            label="Audience"
            placeholder="Audience"
            options={options}
            value={filter.audienceId}
            onChange={(audienceId) => props.onChange({ ...filter, audienceId })}
          />
        </>
      ) : (
        <>
          <NameSelect
            label="Property"
            placeholder="Property"
            options={options}
            value={filter.property}
            onChange={(property) => props.onChange({ ...filter, property })}
          />
          <Select
            aria-label="Operator"
            data={INSIGHT_OPERATORS.map((operator) => ({
              value: operator,
              label: OPERATOR_LABELS[operator],
            }))}
            value={filter.operator}
            allowDeselect={false}
            onChange={(next) =>
              next && props.onChange({ ...filter, operator: next as typeof filter.operator })
            }
            w={150}
          />
          {filter.operator === 'exists' || filter.operator === 'not_exists' ? null : (
            <TextInput
              aria-label="Value"
              placeholder="Value"
              value={String(filter.value ?? '')}
              onChange={(event) => {
                const text = event.currentTarget.value;
                const numeric = filter.operator === 'greater_than' || filter.operator === 'less_than';
                props.onChange({
                  ...filter,
                  value: numeric && text !== '' && Number.isFinite(Number(text)) ? Number(text) : text,
                });
              }}
              w={140}
            />
          )}
        </>
      )}
      <ActionIcon variant="subtle" color="gray" aria-label="Remove filter" onClick={props.onRemove} mt={6}>
        ×
      </ActionIcon>
    </Group>
  );
}

/** The filters every counted event (or its person) must pass. */
export function FiltersEditor(props: {
  filters: readonly InsightFilter[];
  events: readonly string[];
  onChange: (filters: InsightFilter[]) => void;
}) {
  const { filters } = props;
  return (
    <Stack gap="xs">
      {filters.length === 0 ? (
        <Text size="sm" c="dimmed">
          Every event counts. Add a filter to narrow by a property, a trait or an audience.
        </Text>
      ) : null}
      {filters.map((filter, index) => (
        <FilterRow
          key={index}
          filter={filter}
          events={props.events}
          onChange={(next) => props.onChange(filters.map((f, i) => (i === index ? next : f)))}
          onRemove={() => props.onChange(filters.filter((_, i) => i !== index))}
        />
      ))}
      <div>
        <Button
          variant="light"
          size="xs"
          onClick={() =>
            props.onChange([...filters, { on: 'event', property: '', operator: 'equals', value: '' }])
          }
        >
          Add filter
        </Button>
      </div>
    </Stack>
  );
}

/** One series (or funnel) per value of a property or trait, or per audience. */
export function BreakdownEditor(props: {
  breakdown: InsightBreakdown | undefined;
  events: readonly string[];
  onChange: (breakdown: InsightBreakdown | undefined) => void;
}) {
  const { breakdown } = props;
  const subject: Subject | 'none' = breakdown?.on ?? 'none';
  const options = useSubjectOptions(subject === 'none' ? 'event' : subject, props.events);
  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label="Break down by"
        data={[
          { value: 'none', label: 'No breakdown' },
          ...Object.entries(SUBJECT_LABELS).map(([value, label]) => ({ value, label })),
        ]}
        value={subject}
        allowDeselect={false}
        onChange={(next) => {
          if (!next || next === 'none') props.onChange(undefined);
          else if (next === 'audience') props.onChange({ on: 'audience', audienceIds: [] });
          else props.onChange({ on: next as Exclude<Subject, 'audience'>, property: '' });
        }}
        w={170}
      />
      {breakdown === undefined ? null : breakdown.on === 'audience' ? (
        <NameSelect
          label="Audience to break down by"
          placeholder="Audience"
          options={options}
          value={breakdown.audienceIds[0] ?? ''}
          onChange={(audienceId) =>
            props.onChange({ on: 'audience', audienceIds: audienceId ? [audienceId] : [] })
          }
        />
      ) : (
        <NameSelect
          label="Breakdown property"
          placeholder="Property"
          options={options}
          value={breakdown.property}
          onChange={(property) => props.onChange({ ...breakdown, property })}
        />
      )}
      {breakdown ? (
        <Text size="xs" c="dimmed" mt={8}>
          Top {MAX_BREAKDOWN_VALUES} values; the rest sum as “(other)”.
        </Text>
      ) : null}
    </Group>
  );
}
