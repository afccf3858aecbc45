import { Select, Stack, Text } from '@mantine/core';
import type { InsightQuery } from '@tandem/contract';
import type { ReactNode } from 'react';
import { NameSelect } from '../rules/name-select';
import { useRulePickers } from '../rules/rule-pickers';
import { FiltersEditor } from './insight-filters';

export type Query<K extends InsightQuery['kind']> = Extract<InsightQuery, { kind: K }>;
export type FormProps<K extends InsightQuery['kind']> = {
  query: Query<K>;
  onChange: (query: Query<K>) => void;
};

export function EventSelect(props: {
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

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {children}
    </Stack>
  );
}

export function SmallSelect<T extends string>(props: {
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

/** The filters of a query, every kind alike. */
export function WhereField<Q extends InsightQuery>(props: {
  query: Q;
  events: readonly string[];
  onChange: (query: Q) => void;
}) {
  return (
    <Field label="Filters">
      <FiltersEditor
        filters={props.query.where}
        events={props.events}
        onChange={(where) => props.onChange({ ...props.query, where })}
      />
    </Field>
  );
}
