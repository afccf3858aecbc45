import { ActionIcon, Autocomplete, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { CONDITION_OPS, type ConditionOp } from '@tandem/contract';
import { CONDITION_OP_LABELS } from './condition-op-labels';
import { type ConditionRow, LIST_OPS, VALUELESS_OPS } from './destination-form';

const OP_OPTIONS = CONDITION_OPS.map((op) => ({ value: op, label: CONDITION_OP_LABELS[op] }));

function valuePlaceholder(op: ConditionOp): string {
  if (LIST_OPS.includes(op)) return 'EUR, USD';
  if (op === 'within_last') return '7d';
  if (op === 'before' || op === 'after') return '2026-01-31';
  return 'value';
}

/** Property conditions of an event subscription: every condition must hold. */
export function ConditionsEditor({
  rows,
  onChange,
  propertyNames,
  label,
}: {
  rows: ConditionRow[];
  onChange: (rows: ConditionRow[]) => void;
  /** Suggested property names (from the catalog of the picked event). */
  propertyNames: readonly string[];
  /** Names this editor's controls, e.g. “Subscription 1”. */
  label: string;
}) {
  const update = (index: number, patch: Partial<ConditionRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6}>
      {rows.length > 0 && (
        <Text size="sm" c="dimmed">
          Only when every condition holds:
        </Text>
      )}
      {rows.map((row, index) => (
        // Rows are identified by position only; every input is controlled.
        <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
          <Autocomplete
            aria-label={`${label} condition ${index + 1} property`}
            placeholder="property, e.g. total"
            data={[...propertyNames]}
            value={row.property}
            onChange={(property) => update(index, { property })}
            style={{ flex: 2 }}
          />
          <Select
            aria-label={`${label} condition ${index + 1} operator`}
            data={OP_OPTIONS}
            value={row.op}
            allowDeselect={false}
            onChange={(op) => op && update(index, { op: op as ConditionOp })}
            style={{ flex: 2 }}
          />
          {VALUELESS_OPS.includes(row.op) ? (
            <div style={{ flex: 2 }} />
          ) : (
            <TextInput
              aria-label={`${label} condition ${index + 1} value`}
              placeholder={valuePlaceholder(row.op)}
              value={row.value}
              onChange={(event) => update(index, { value: event.currentTarget.value })}
              style={{ flex: 2 }}
            />
          )}
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={`Remove ${label.toLowerCase()} condition ${index + 1}`}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="subtle"
          size="compact-sm"
          onClick={() => onChange([...rows, { property: '', op: 'eq', value: '' }])}
        >
          + Add property condition
        </Button>
      </Group>
    </Stack>
  );
}
