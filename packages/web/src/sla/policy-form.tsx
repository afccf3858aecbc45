import {
  ActionIcon,
  Alert,
  Button,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import type { BusinessCalendarView, NewSlaPolicy, SlaConditionView, SlaPolicyView } from '@tandem/contract';
import { SLA_CONDITION_OPS } from '@tandem/contract';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/error-message';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
type Priority = (typeof PRIORITIES)[number];
const METRICS = [
  { key: 'firstResponse', label: 'First response' },
  { key: 'nextResponse', label: 'Next response' },
  { key: 'resolution', label: 'Resolution' },
] as const;
type MetricKey = (typeof METRICS)[number]['key'];
type TargetGrid = Record<Priority, Record<MetricKey, number | null>>;

const FIELD_OPTIONS = [
  { value: 'priority', label: 'Priority' },
  { value: 'type', label: 'Type' },
  { value: 'tags', label: 'Tag' },
  { value: 'teamId', label: 'Team id' },
  { value: 'traits', label: 'Requester trait…' },
];
const OP_LABELS: Record<(typeof SLA_CONDITION_OPS)[number], string> = {
  is: 'is',
  is_not: 'is not',
  in: 'is one of',
  not_in: 'is none of',
  exists: 'is set',
};

/** A condition as edited: a trait's name apart, a list as comma-separated text. */
type DraftCondition = { field: string; trait: string; op: SlaConditionView['op']; value: string };

function draftOf(condition: SlaConditionView): DraftCondition {
  const trait = condition.field.startsWith('traits.') ? condition.field.slice('traits.'.length) : '';
  const value = Array.isArray(condition.value) ? condition.value.join(', ') : String(condition.value ?? '');
  return { field: trait ? 'traits' : condition.field, trait, op: condition.op, value };
}

function conditionOf(draft: DraftCondition): SlaConditionView {
  const field = draft.field === 'traits' ? `traits.${draft.trait.trim()}` : draft.field;
  if (draft.op === 'exists') return { field, op: draft.op };
  if (draft.op === 'in' || draft.op === 'not_in') {
    return {
      field,
      op: draft.op,
      value: draft.value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    };
  }
  return { field, op: draft.op, value: draft.value.trim() };
}

function gridOf(policy?: SlaPolicyView): TargetGrid {
  const grid = {} as TargetGrid;
  for (const priority of PRIORITIES) {
    const targets = policy?.targets[priority];
    grid[priority] = {
      firstResponse: targets?.firstResponse ?? null,
      nextResponse: targets?.nextResponse ?? null,
      resolution: targets?.resolution ?? null,
    };
  }
  return grid;
}

/** An SLA policy: who it applies to (conditions), how time counts, and targets per priority. */
export function PolicyForm(props: {
  initial?: SlaPolicyView;
  calendars: readonly BusinessCalendarView[];
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (policy: Omit<NewSlaPolicy, 'position'>) => void;
  onCancel?: () => void;
}) {
  const { initial } = props;
  const [name, setName] = useState(initial?.name ?? '');
  const [hours, setHours] = useState<'business' | 'calendar'>(initial?.hours ?? 'business');
  const [calendarId, setCalendarId] = useState<string | null>(
    initial?.calendarId ?? props.calendars[0]?.id ?? null,
  );
  const [conditions, setConditions] = useState<DraftCondition[]>((initial?.conditions ?? []).map(draftOf));
  const [grid, setGrid] = useState<TargetGrid>(gridOf(initial));
  const [atRiskPercent, setAtRiskPercent] = useState<number>(initial?.atRiskPercent ?? 20);
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);

  const setCondition = (index: number, change: Partial<DraftCondition>) =>
    setConditions(conditions.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const setTarget = (priority: Priority, metric: MetricKey, value: number | string) =>
    setGrid({
      ...grid,
      [priority]: { ...grid[priority], [metric]: typeof value === 'number' ? value : null },
    });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const targets: NewSlaPolicy['targets'] = {};
    for (const priority of PRIORITIES) {
      const row = grid[priority];
      if (row.firstResponse !== null || row.nextResponse !== null || row.resolution !== null)
        targets[priority] = row;
    }
    props.onSubmit({
      name: name.trim(),
      enabled,
      hours,
      calendarId: hours === 'business' ? calendarId : null,
      conditions: conditions.map(conditionOf),
      targets,
      atRiskPercent,
    });
  };

  return (
    <form onSubmit={submit} aria-label={initial ? `Edit ${initial.name}` : 'New SLA policy'}>
      <Stack gap="sm">
        <Group align="flex-end">
          <TextInput
            label="Policy name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            w={260}
            required
          />
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        </Group>
        <div>
          <Text fw={500} size="sm" mb={4}>
            Applies to tickets where (all hold; none: every ticket)
          </Text>
          <Stack gap={6}>
            {conditions.map((condition, index) => (
              <Group key={index} gap="xs" wrap="nowrap" role="group" aria-label={`Condition ${index + 1}`}>
                <Select
                  aria-label={`Condition ${index + 1} field`}
                  data={FIELD_OPTIONS}
                  value={condition.field}
                  onChange={(field) => setCondition(index, { field: field ?? 'priority' })}
                  w={170}
                />
                {condition.field === 'traits' && (
                  <TextInput
                    aria-label={`Condition ${index + 1} trait`}
                    placeholder="trait, e.g. plan"
                    value={condition.trait}
                    onChange={(e) => setCondition(index, { trait: e.currentTarget.value })}
                    w={140}
                  />
                )}
                <Select
                  aria-label={`Condition ${index + 1} operator`}
                  data={SLA_CONDITION_OPS.map((op) => ({ value: op, label: OP_LABELS[op] }))}
                  value={condition.op}
                  onChange={(op) => setCondition(index, { op: (op ?? 'is') as DraftCondition['op'] })}
                  w={130}
                />
                {condition.op !== 'exists' && (
                  <TextInput
                    aria-label={`Condition ${index + 1} value`}
                    placeholder={condition.op === 'in' || condition.op === 'not_in' ? 'a, b, c' : 'value'}
                    value={condition.value}
                    onChange={(e) => setCondition(index, { value: e.currentTarget.value })}
                    w={180}
                  />
                )}
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove condition ${index + 1}`}
                  onClick={() => setConditions(conditions.filter((_, i) => i !== index))}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <Button
              size="compact-xs"
              variant="subtle"
              w="fit-content"
              onClick={() =>
                setConditions([...conditions, { field: 'priority', trait: '', op: 'is', value: '' }])
              }
            >
              + condition
            </Button>
          </Stack>
        </div>
        <Group align="flex-end">
          <SegmentedControl
            aria-label="Hours that count"
            value={hours}
            onChange={(value) => setHours(value === 'calendar' ? 'calendar' : 'business')}
            data={[
              { value: 'business', label: 'Business hours' },
              { value: 'calendar', label: 'Calendar hours (24/7)' },
            ]}
          />
          {hours === 'business' && (
            <Select
              label="Business calendar"
              placeholder="None (24/7)"
              data={props.calendars.map((c) => ({ value: c.id, label: c.name }))}
              value={calendarId}
              onChange={setCalendarId}
              clearable
              w={240}
            />
          )}
          <NumberInput
            label="At risk when less than (%) is left"
            min={1}
            max={99}
            value={atRiskPercent}
            onChange={(value) => setAtRiskPercent(typeof value === 'number' ? value : 20)}
            w={240}
          />
        </Group>
        <Table aria-label="Targets in minutes" withTableBorder maw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Priority</Table.Th>
              {METRICS.map((m) => (
                <Table.Th key={m.key}>{m.label} (min)</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {PRIORITIES.map((priority) => (
              <Table.Tr key={priority}>
                <Table.Td tt="capitalize">{priority}</Table.Td>
                {METRICS.map((m) => (
                  <Table.Td key={m.key}>
                    <NumberInput
                      aria-label={`${priority} ${m.label.toLowerCase()} minutes`}
                      placeholder="—"
                      min={1}
                      allowDecimal={false}
                      value={grid[priority][m.key] ?? ''}
                      onChange={(value) => setTarget(priority, m.key, value)}
                      w={120}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group>
          <Button type="submit" loading={props.pending} disabled={name.trim() === ''}>
            {props.submitLabel}
          </Button>
          {props.onCancel && (
            <Button variant="subtle" onClick={props.onCancel}>
              Cancel
            </Button>
          )}
        </Group>
        {props.error ? (
          <Alert color="red" role="alert">
            {errorMessage(props.error)}
          </Alert>
        ) : null}
      </Stack>
    </form>
  );
}
