import { Group, NumberInput, Select, Text } from '@mantine/core';

const UNITS = [
  { value: 's', label: 'seconds' },
  { value: 'm', label: 'minutes' },
  { value: 'h', label: 'hours' },
  { value: 'd', label: 'days' },
  { value: 'w', label: 'weeks' },
];

type DurationFieldProps = {
  label: string;
  /** `3d`; `-7d` when `signed` (before the date); empty while not entered. */
  value: string;
  onChange: (value: string) => void;
  signed?: boolean;
  error?: string | undefined;
};

/** A journey duration as an amount and a unit ("3 days"), kept as `3d`; signed ones add before/after. */
export function DurationField({ label, value, onChange, signed = false, error }: DurationFieldProps) {
  const match = /^(-?)(\d*)([smhdw])$/.exec(value);
  const sign = match?.[1] ?? '';
  const amount = match?.[2] ?? '';
  const unit = match?.[3] ?? 'd';
  const compose = (next: { sign?: string; amount?: string; unit?: string }) => {
    const a = next.amount ?? amount;
    onChange(a === '' ? '' : `${next.sign ?? sign}${a}${next.unit ?? unit}`);
  };
  return (
    <div>
      <Text size="sm" fw={500} mb={2}>
        {label}
      </Text>
      <Group gap={4} wrap="nowrap" align="flex-start">
        <NumberInput
          aria-label={`${label} amount`}
          value={amount === '' ? '' : Number(amount)}
          onChange={(next) => compose({ amount: next === '' ? '' : String(Math.trunc(Number(next))) })}
          min={1}
          max={999_999}
          allowDecimal={false}
          allowNegative={false}
          w={90}
          error={error}
        />
        <Select
          aria-label={`${label} unit`}
          data={UNITS}
          value={unit}
          onChange={(next) => compose({ unit: next ?? 'd' })}
          allowDeselect={false}
          w={110}
        />
        {signed ? (
          <Select
            aria-label={`${label} direction`}
            data={[
              { value: '-', label: 'before' },
              { value: '+', label: 'after' },
            ]}
            value={sign === '-' ? '-' : '+'}
            onChange={(next) => compose({ sign: next === '-' ? '-' : '' })}
            allowDeselect={false}
            w={100}
          />
        ) : null}
      </Group>
    </div>
  );
}
