import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import type { SequenceStep } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { emailApi, emailQueryKey } from '../email/email-api';

type StepsEditorProps = {
  steps: readonly SequenceStep[];
  onChange: (steps: SequenceStep[]) => void;
  readOnly: boolean;
};

const newStepId = () => `s${Math.random().toString(16).slice(2, 10)}`;

/** The ordered steps: drag (or focus the handle and use Space + arrows) to reorder, edit in place. */
export function SequenceStepsEditor({ steps, onChange, readOnly }: StepsEditorProps) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = steps.findIndex((step) => step.id === active.id);
    const to = steps.findIndex((step) => step.id === over.id);
    onChange(arrayMove([...steps], from, to));
  };
  const update = (id: string, patch: Partial<SequenceStep>) =>
    // The patch keeps the step's kind (only its own fields are edited).
    onChange(steps.map((step) => (step.id === id ? ({ ...step, ...patch } as SequenceStep) : step)));
  return (
    <Stack gap="xs">
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
        <SortableContext items={steps.map((step) => step.id)} strategy={verticalListSortingStrategy}>
          {steps.map((step, index) => (
            <SortableStep
              key={step.id}
              step={step}
              index={index}
              readOnly={readOnly}
              onChange={(patch) => update(step.id, patch)}
              onRemove={() => onChange(steps.filter((other) => other.id !== step.id))}
            />
          ))}
        </SortableContext>
      </DndContext>
      {steps.length === 0 && <Text c="dimmed">No steps yet: add an email or a task.</Text>}
      {!readOnly && (
        <Group>
          <Button
            variant="light"
            onClick={() =>
              onChange([
                ...steps,
                {
                  id: newStepId(),
                  kind: 'email',
                  templateId: '',
                  delay: steps.length ? '2d' : '0s',
                  businessDays: true,
                },
              ])
            }
          >
            Add email step
          </Button>
          <Button
            variant="light"
            onClick={() =>
              onChange([
                ...steps,
                { id: newStepId(), kind: 'task', title: '', notes: '', delay: '1d', businessDays: true },
              ])
            }
          >
            Add task step
          </Button>
        </Group>
      )}
    </Stack>
  );
}

type SortableStepProps = {
  step: SequenceStep;
  index: number;
  readOnly: boolean;
  onChange: (patch: Partial<SequenceStep>) => void;
  onRemove: () => void;
};

function SortableStep({ step, index, readOnly, onChange, onRemove }: SortableStepProps) {
  const { attributes, listeners, setNodeRef, transform, transition } = useSortable({ id: step.id });
  const label = `Step ${index + 1}`;
  return (
    <Paper
      withBorder
      p="xs"
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      aria-label={label}
      component="section"
    >
      <Group align="flex-end" wrap="nowrap">
        {!readOnly && (
          <ActionIcon variant="subtle" aria-label={`Move ${label}`} {...attributes} {...listeners}>
            ⠿
          </ActionIcon>
        )}
        <Badge w={70} color={step.kind === 'email' ? 'blue' : 'grape'}>
          {step.kind}
        </Badge>
        <TextInput
          label="Wait"
          description="0s, 30m, 2d, 1w"
          value={step.delay}
          onChange={(e) => onChange({ delay: e.currentTarget.value })}
          readOnly={readOnly}
          w={110}
        />
        <Checkbox
          label="Business days"
          checked={step.businessDays}
          onChange={(e) => onChange({ businessDays: e.currentTarget.checked })}
          disabled={readOnly}
          mb={8}
        />
        {step.kind === 'email' ? (
          <TemplatePicker
            value={step.templateId}
            onChange={(templateId) => onChange({ templateId })}
            readOnly={readOnly}
          />
        ) : (
          <TextInput
            label="Task for the owner"
            placeholder="Call them"
            value={step.title}
            onChange={(e) => onChange({ title: e.currentTarget.value })}
            readOnly={readOnly}
            style={{ flex: 1 }}
          />
        )}
        {!readOnly && (
          <Button variant="subtle" color="red" onClick={onRemove} aria-label={`Remove ${label}`}>
            Remove
          </Button>
        )}
      </Group>
    </Paper>
  );
}

/** The email templates by name (Marketing → Email templates); a step keeps the id it points at. */
function TemplatePicker({
  value,
  onChange,
  readOnly,
}: {
  value: string;
  onChange: (templateId: string) => void;
  readOnly: boolean;
}) {
  const { workspace } = useCurrentSession();
  const templates = useQuery({
    queryKey: [...emailQueryKey(workspace.id), 'templates'],
    queryFn: () => emailApi.templates(),
  });
  const options = (templates.data?.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  // A template removed since keeps showing as its id, so the step is not silently emptied.
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });
  return (
    <Select
      label="Email template"
      placeholder={templates.isLoading ? 'Loading templates…' : 'Pick a template'}
      data={options}
      value={value || null}
      onChange={(next) => onChange(next ?? '')}
      searchable
      readOnly={readOnly}
      nothingFoundMessage="No template: write one under Email templates"
      style={{ flex: 1 }}
    />
  );
}
