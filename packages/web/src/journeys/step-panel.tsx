import { Autocomplete, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useContext } from 'react';
import { useCatalogEvents, useCatalogTraits } from '../rules/catalog-api';
import { DurationField } from './duration-field';
import { withOptional } from './entry-panel';
import type { StepData } from './journey-graph';
import { ResourceSelect, useJourneyPickers } from './journey-pickers';
import { fieldProblem, JourneyProblemsContext } from './journey-problems';
import { FlowStepFields } from './step-flow-fields';
import { stepKindLabel } from './step-kinds';
import { ValueField } from './value-field';

type StepPanelProps = {
  data: StepData;
  onChange: (data: StepData) => void;
  /** Removes a random split's branch with its link (a weight alone would shift the links after it). */
  onRemoveBranch: (index: number) => void;
};

/** The selected step's fields: a label, then what its kind needs. */
export function StepPanel({ data, onChange, onRemoveBranch }: StepPanelProps) {
  const { step } = data;
  return (
    <Stack gap="sm">
      <Text size="xs" c="dimmed">
        {stepKindLabel(step.kind)} · id <code>{step.id}</code>
      </Text>
      <TextInput
        label="Label"
        placeholder={step.id}
        value={step.label ?? ''}
        onChange={(event) =>
          onChange({ ...data, step: withOptional(step, 'label', event.currentTarget.value) })
        }
      />
      <StepFieldsEditor data={data} onChange={onChange} onRemoveBranch={onRemoveBranch} />
    </Stack>
  );
}

const CRM_FIELDS = ['lifecycleStage', 'leadStatus', 'ownerId'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

function StepFieldsEditor({ data, onChange, onRemoveBranch }: StepPanelProps) {
  const { step } = data;
  const problems = useContext(JourneyProblemsContext);
  const problem = (field: string) => fieldProblem(problems, step.id, field);
  const _events = useCatalogEvents().data?.data ?? [];
  const traits = useCatalogTraits().data?.data ?? [];
  const { members } = useJourneyPickers();
  // Each branch below edits fields of the kind it matched, so the step it passes stays that kind.
  const set = <S extends typeof step>(next: S) => onChange({ ...data, step: next });
  const errors = {
    templateId: problem('templateId'),
    destinationId: problem('destinationId'),
    audienceId: problem('audienceId'),
    listId: problem('listId'),
    event: problem('event'),
    trait: problem('trait'),
    title: problem('title'),
    subject: problem('subject'),
    duration: problem('duration'),
    timeout: problem('timeout'),
    field: problem('field'),
    value: problem('value'),
    weights: problem('weights'),
  };
  switch (step.kind) {
    case 'delay':
    case 'wait_for_event':
    case 'wait_for_audience':
    case 'split':
    case 'random_split':
      return <FlowStepFields data={data} onChange={onChange} onRemoveBranch={onRemoveBranch} />;
    case 'send_email':
      return (
        <ResourceSelect
          label="Email template"
          source="templates"
          value={step.templateId}
          onChange={(templateId) => set({ ...step, templateId })}
          error={errors.templateId}
        />
      );
    case 'send_webhook':
      return (
        <ResourceSelect
          label="Destination"
          source="destinations"
          value={step.destinationId}
          onChange={(destinationId) => set({ ...step, destinationId })}
          error={errors.destinationId}
        />
      );
    case 'update_trait':
      return (
        <>
          <Autocomplete
            label="Trait"
            data={traits.map((t) => t.name)}
            value={step.trait}
            onChange={(trait) => set({ ...step, trait })}
            error={errors.trait}
            comboboxProps={{ withinPortal: true }}
          />
          <ValueField
            label="New value"
            value={step.value}
            onChange={(value) => set({ ...step, value })}
            error={errors.value}
          />
        </>
      );
    case 'update_crm_field':
      return (
        <>
          <Autocomplete
            label="CRM field"
            description="lifecycleStage, leadStatus, ownerId or a custom field's key"
            data={CRM_FIELDS}
            value={step.field}
            onChange={(field) => set({ ...step, field })}
            error={errors.field}
            comboboxProps={{ withinPortal: true }}
          />
          <ValueField
            label="New value"
            value={step.value}
            onChange={(value) => set({ ...step, value })}
            error={errors.value}
          />
        </>
      );
    case 'create_task':
      return (
        <>
          <TextInput
            label="Task title"
            value={step.title}
            onChange={(event) => set({ ...step, title: event.currentTarget.value })}
            error={errors.title}
          />
          <DurationField
            label="Due in (optional)"
            value={step.dueIn ?? ''}
            onChange={(dueIn) => set(withOptional(step, 'dueIn', dueIn))}
          />
          <Select
            label="Assignee (optional: the person's owner)"
            data={members}
            value={step.assigneeId ?? null}
            clearable
            searchable
            onChange={(assigneeId) => set(withOptional(step, 'assigneeId', assigneeId ?? ''))}
            comboboxProps={{ withinPortal: true }}
          />
        </>
      );
    case 'create_ticket':
      return (
        <>
          <TextInput
            label="Ticket subject"
            value={step.subject}
            onChange={(event) => set({ ...step, subject: event.currentTarget.value })}
            error={errors.subject}
          />
          <Select
            label="Priority"
            data={PRIORITIES}
            value={step.priority}
            allowDeselect={false}
            onChange={(priority) =>
              set({ ...step, priority: (priority ?? 'normal') as typeof step.priority })
            }
            comboboxProps={{ withinPortal: true }}
          />
          <Textarea
            label="Body (optional)"
            autosize
            minRows={3}
            value={step.body ?? ''}
            onChange={(event) => set(withOptional(step, 'body', event.currentTarget.value))}
          />
        </>
      );
    case 'list':
      return (
        <>
          <SegmentedControl
            size="xs"
            data={[
              { value: 'add', label: 'Add to list' },
              { value: 'remove', label: 'Remove from list' },
            ]}
            value={step.action}
            onChange={(action) => set({ ...step, action: action === 'remove' ? 'remove' : 'add' })}
          />
          <ResourceSelect
            label="List"
            source="lists"
            value={step.listId}
            onChange={(listId) => set({ ...step, listId })}
            error={errors.listId}
          />
        </>
      );
    case 'exit':
      return <Text size="sm">People who reach this step leave the journey (counted as exited).</Text>;
  }
}
