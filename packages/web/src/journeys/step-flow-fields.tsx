import {
  ActionIcon,
  Autocomplete,
  Button,
  Group,
  NumberInput,
  SegmentedControl,
  Select,
  Text,
  TextInput,
} from '@mantine/core';
import { useContext } from 'react';
import { useCatalogEvents, useCatalogTraits } from '../rules/catalog-api';
import { RuleEditor } from '../rules/rule-editor';
import { fromRule } from '../rules/rule-model';
import { WhereConditions } from '../rules/where-conditions';
import { DurationField } from './duration-field';
import { withOptional } from './entry-panel';
import type { StepData } from './journey-graph';
import { ResourceSelect } from './journey-pickers';
import { fieldProblem, JourneyProblemsContext } from './journey-problems';

/** The fields of the steps that shape the path: delays, waits and splits. */
export function FlowStepFields({
  data,
  onChange,
  onRemoveBranch,
}: {
  data: StepData;
  onChange: (data: StepData) => void;
  onRemoveBranch: (index: number) => void;
}) {
  const { step } = data;
  const problems = useContext(JourneyProblemsContext);
  const problem = (field: string) => fieldProblem(problems, step.id, field);
  const events = useCatalogEvents().data?.data ?? [];
  const traits = useCatalogTraits().data?.data ?? [];
  // Each branch below edits fields of the kind it matched, so the step it passes stays that kind.
  const set = <S extends typeof step>(next: S) => onChange({ ...data, step: next });
  const errors = {
    audienceId: problem('audienceId'),
    event: problem('event'),
    duration: problem('duration'),
    timeout: problem('timeout'),
    weights: problem('weights'),
  };
  switch (step.kind) {
    case 'delay': {
      const mode =
        step.untilTimeOfDay !== undefined ? 'time' : step.untilTrait !== undefined ? 'trait' : 'duration';
      return (
        <>
          <SegmentedControl
            size="xs"
            data={[
              { value: 'duration', label: 'For' },
              { value: 'time', label: 'Until time' },
              { value: 'trait', label: 'Until date trait' },
            ]}
            value={mode}
            onChange={(next) =>
              set(
                next === 'time'
                  ? { id: step.id, kind: step.kind, label: step.label, untilTimeOfDay: '09:00' }
                  : next === 'trait'
                    ? { id: step.id, kind: step.kind, label: step.label, untilTrait: '' }
                    : { id: step.id, kind: step.kind, label: step.label, duration: '1d' },
              )
            }
          />
          {mode === 'duration' ? (
            <DurationField
              label="Wait"
              value={step.duration ?? ''}
              onChange={(duration) => set({ ...step, duration })}
              error={errors.duration}
            />
          ) : null}
          {mode === 'time' ? (
            <TextInput
              label="Until (their time zone)"
              placeholder="09:00"
              value={step.untilTimeOfDay ?? ''}
              onChange={(event) => set({ ...step, untilTimeOfDay: event.currentTarget.value })}
              error={problem('untilTimeOfDay')}
            />
          ) : null}
          {mode === 'trait' ? (
            <>
              <Autocomplete
                label="Until the date in trait"
                data={traits.map((t) => t.name)}
                value={step.untilTrait ?? ''}
                onChange={(untilTrait) => set({ ...step, untilTrait })}
                error={problem('untilTrait')}
                comboboxProps={{ withinPortal: true }}
              />
              <DurationField
                label="Offset (optional)"
                signed
                value={step.offset ?? ''}
                onChange={(offset) => set(withOptional(step, 'offset', offset))}
              />
            </>
          ) : null}
        </>
      );
    }
    case 'wait_for_event': {
      const properties = events.find((e) => e.name === step.event)?.properties ?? [];
      return (
        <>
          <Autocomplete
            label="Event"
            placeholder="e.g. Order Completed"
            data={events.map((e) => e.name)}
            value={step.event}
            onChange={(event) => set({ ...step, event })}
            error={errors.event}
            comboboxProps={{ withinPortal: true }}
          />
          <WhereConditions
            rows={data.whereRows ?? []}
            onChange={(whereRows) => onChange({ ...data, whereRows })}
            properties={properties}
            label={step.event || 'Event'}
          />
          <DurationField
            label="Timeout"
            value={step.timeout}
            onChange={(timeout) => set({ ...step, timeout })}
            error={errors.timeout}
          />
        </>
      );
    }
    case 'wait_for_audience':
      return (
        <>
          <ResourceSelect
            label="Audience"
            source="audiences"
            value={step.audienceId}
            onChange={(audienceId) => set({ ...step, audienceId })}
            error={errors.audienceId}
          />
          <Select
            label="Until they"
            data={[
              { value: 'entered', label: 'enter it' },
              { value: 'exited', label: 'leave it' },
            ]}
            value={step.change}
            allowDeselect={false}
            onChange={(change) => set({ ...step, change: change === 'exited' ? 'exited' : 'entered' })}
            comboboxProps={{ withinPortal: true }}
          />
          <DurationField
            label="Timeout"
            value={step.timeout}
            onChange={(timeout) => set({ ...step, timeout })}
            error={errors.timeout}
          />
        </>
      );
    case 'split':
      return (
        <>
          <Text size="sm">People who match go down “yes”, the others down “no”.</Text>
          {problem('condition') ? (
            <Text size="xs" c="red" role="alert">
              {problem('condition')}
            </Text>
          ) : null}
          <RuleEditor
            root={data.conditionTree ?? fromRule(step.condition)}
            onChange={(conditionTree) => onChange({ ...data, conditionTree })}
          />
        </>
      );
    case 'random_split':
      return (
        <>
          <Text size="sm">Each person goes down one branch at random, by these weights.</Text>
          {step.weights.map((weight, index) => (
            <Group key={index} gap="xs" align="flex-end" wrap="nowrap">
              <NumberInput
                label={`Branch ${String.fromCharCode(65 + index)} weight`}
                value={weight}
                min={0}
                max={100}
                onChange={(next) =>
                  set({ ...step, weights: step.weights.map((w, i) => (i === index ? Number(next) || 0 : w)) })
                }
                error={index === 0 ? errors.weights : undefined}
                style={{ flex: 1 }}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove branch ${String.fromCharCode(65 + index)}`}
                disabled={step.weights.length <= 2}
                onClick={() => onRemoveBranch(index)}
                mb={4}
              >
                ×
              </ActionIcon>
            </Group>
          ))}
          <Button
            variant="subtle"
            size="compact-sm"
            disabled={step.weights.length >= 10}
            onClick={() => set({ ...step, weights: [...step.weights, 10] })}
          >
            + Branch
          </Button>
        </>
      );
    default:
      return null;
  }
}
