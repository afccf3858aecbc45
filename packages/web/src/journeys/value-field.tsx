import { Group, Select, TextInput } from '@mantine/core';

type Value = string | number | boolean | null;
type ValueKind = 'text' | 'number' | 'true' | 'false' | 'null';

const KINDS = [
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'true', label: 'true' },
  { value: 'false', label: 'false' },
  { value: 'null', label: 'Empty (clear it)' },
];

function kindOf(value: Value): ValueKind {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return typeof value === 'number' ? 'number' : 'text';
}

/** A trait's or CRM field's new value: text, a number, true/false, or empty. */
export function ValueField(props: {
  label: string;
  value: Value;
  onChange: (value: Value) => void;
  error?: string | undefined;
}) {
  const kind = kindOf(props.value);
  const change = (next: ValueKind, text: string) => {
    if (next === 'null') return props.onChange(null);
    if (next === 'true' || next === 'false') return props.onChange(next === 'true');
    if (next === 'number')
      return props.onChange(text === '' || Number.isNaN(Number(text)) ? 0 : Number(text));
    return props.onChange(text);
  };
  const text = props.value === null || typeof props.value === 'boolean' ? '' : String(props.value);
  return (
    <Group gap={4} align="flex-end" wrap="nowrap">
      <Select
        label={`${props.label} type`}
        data={KINDS}
        value={kind}
        allowDeselect={false}
        w={120}
        onChange={(next) => change((next ?? 'text') as ValueKind, text)}
        comboboxProps={{ withinPortal: true }}
      />
      {kind === 'text' || kind === 'number' ? (
        <TextInput
          label={props.label}
          value={text}
          inputMode={kind === 'number' ? 'decimal' : 'text'}
          onChange={(event) => change(kind, event.currentTarget.value)}
          error={props.error}
          style={{ flex: 1 }}
        />
      ) : null}
    </Group>
  );
}
