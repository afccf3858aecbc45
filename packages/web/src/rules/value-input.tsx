import { Autocomplete, NumberInput, Select, TagsInput, TextInput } from '@mantine/core';
import type { ConditionOp } from '@tandem/contract';
import { operandOf, valueTypeForOp } from './condition-ops';
import { DurationInput } from './duration-input';
import type { ValueState } from './rule-values';

type ValueInputProps = {
  op: ConditionOp;
  value: ValueState;
  onChange: (value: ValueState) => void;
  /** Values seen in the data, offered as suggestions. */
  examples?: readonly (string | number | boolean)[] | undefined;
  /** What the value belongs to, for the inputs' accessible names ("plan value"). */
  label: string;
  error?: string | undefined;
};

/** The operand of a condition, as the input its operator and type call for. */
export function ValueInput({ op, value, onChange, examples = [], label, error }: ValueInputProps) {
  const suggestions = [...new Set(examples.map(String))];
  switch (operandOf(op)) {
    case 'none':
      return null;
    case 'duration':
      return (
        <DurationInput
          label={`${label} window`}
          value={value.text}
          onChange={(text) => onChange({ ...value, text })}
          error={error}
        />
      );
    case 'list':
      return (
        <TagsInput
          aria-label={`${label} values`}
          placeholder="Type a value, press Enter"
          data={suggestions}
          value={value.list}
          onChange={(list) => onChange({ ...value, list })}
          error={error}
          miw={180}
          style={{ flex: 1 }}
        />
      );
    case 'single':
      break;
  }
  const type = valueTypeForOp(op, value.type);
  if (type === 'number') {
    return (
      <NumberInput
        aria-label={`${label} value`}
        placeholder="Number"
        value={value.text}
        onChange={(next) => onChange({ ...value, text: String(next) })}
        error={error}
        w={120}
      />
    );
  }
  if (type === 'boolean') {
    return (
      <Select
        aria-label={`${label} value`}
        placeholder="true or false"
        data={['true', 'false']}
        value={value.text === '' ? null : value.text}
        onChange={(next) => onChange({ ...value, text: next ?? '' })}
        error={error}
        w={140}
      />
    );
  }
  if (type === 'date') {
    return (
      <TextInput
        type="date"
        aria-label={`${label} date`}
        // A stored rule may hold a full timestamp: the date input shows its day.
        value={value.text.slice(0, 10)}
        onChange={(event) => onChange({ ...value, text: event.currentTarget.value })}
        error={error}
        w={170}
      />
    );
  }
  return (
    <Autocomplete
      aria-label={`${label} value`}
      placeholder="Value"
      data={suggestions}
      value={value.text}
      onChange={(text) => onChange({ ...value, text })}
      error={error}
      miw={140}
      style={{ flex: 1 }}
    />
  );
}
