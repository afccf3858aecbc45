import { Select } from '@mantine/core';

type NameSelectProps = {
  label: string;
  placeholder: string;
  /** The names to pick from, with an optional hint each (a type, a count). */
  options: readonly { value: string; label?: string }[];
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  nothingFound?: string;
  width?: number;
};

/** A searchable picker of a name seen in the data (a trait, an event, a property). */
export function NameSelect(props: NameSelectProps) {
  const { value, options } = props;
  // A stored rule may name something the catalog's sample did not see: keep it shown.
  const data = value !== '' && !options.some((o) => o.value === value) ? [{ value }, ...options] : options;
  return (
    <Select
      aria-label={props.label}
      placeholder={props.placeholder}
      searchable
      nothingFoundMessage={props.nothingFound ?? 'Nothing seen with this name yet'}
      data={data.map((o) => ({ value: o.value, label: o.label ?? o.value }))}
      value={value === '' ? null : value}
      onChange={(next) => props.onChange(next ?? '')}
      error={props.error}
      w={props.width ?? 190}
      comboboxProps={{ width: 'target', withinPortal: true }}
    />
  );
}
