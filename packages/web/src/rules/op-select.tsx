import { Select } from '@mantine/core';
import type { ConditionOp } from '@tandem/contract';
import { OP_LABELS } from './condition-ops';

type OpSelectProps = {
  ops: readonly ConditionOp[];
  value: ConditionOp;
  onChange: (op: ConditionOp) => void;
  label: string;
};

/** The operator of a condition, in words ("is", "greater than", "is within the last"). */
export function OpSelect({ ops, value, onChange, label }: OpSelectProps) {
  // A stored rule may use an operator the field's type would not offer: keep it choosable.
  const offered = ops.includes(value) ? ops : [value, ...ops];
  return (
    <Select
      aria-label={`${label} operator`}
      data={offered.map((op) => ({ value: op, label: OP_LABELS[op] }))}
      value={value}
      // The options are the ops listed above.
      onChange={(next) => next && onChange(next as ConditionOp)}
      allowDeselect={false}
      w={150}
    />
  );
}
