import { Group, NumberInput, Select } from '@mantine/core';

const UNITS = [
  { value: 'd', label: 'days' },
  { value: 'h', label: 'hours' },
  { value: 'm', label: 'minutes' },
];

type DurationInputProps = {
  /** A duration like `30d`; empty while not entered. */
  value: string;
  onChange: (value: string) => void;
  label: string;
  error?: string | undefined;
};

/** A window as an amount and a unit ("30 days"), kept as the rule language's `30d`. */
export function DurationInput({ value, onChange, label, error }: DurationInputProps) {
  const match = /^(\d*)([mhd])$/.exec(value);
  const amount = match?.[1] ?? '';
  const unit = match?.[2] ?? 'd';
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <NumberInput
        aria-label={`${label} amount`}
        value={amount === '' ? '' : Number(amount)}
        onChange={(next) => onChange(`${next === '' ? '' : Math.trunc(Number(next))}${unit}`)}
        min={1}
        max={999_999}
        allowDecimal={false}
        allowNegative={false}
        w={80}
        error={error}
      />
      <Select
        aria-label={`${label} unit`}
        data={UNITS}
        value={unit}
        onChange={(next) => onChange(`${amount}${next ?? 'd'}`)}
        allowDeselect={false}
        w={110}
      />
    </Group>
  );
}
