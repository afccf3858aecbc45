import type { JourneyStep, JourneyStepKind } from '@tandem/contract';

/** A step without its links: the canvas keeps links as edges. */
export type StepFields = JourneyStep extends infer S
  ? S extends JourneyStep
    ? Omit<S, 'next'>
    : never
  : never;

/** How each kind of step reads in the palette and on the canvas. */
export const STEP_KINDS: readonly { kind: JourneyStepKind; label: string; hint: string; color: string }[] = [
  { kind: 'delay', label: 'Delay', hint: 'Wait a time, until a time of day or a date trait', color: 'gray' },
  { kind: 'wait_for_event', label: 'Wait for event', hint: 'Until an event, or a timeout', color: 'grape' },
  {
    kind: 'wait_for_audience',
    label: 'Wait for audience',
    hint: 'Until they enter or leave',
    color: 'grape',
  },
  { kind: 'split', label: 'Split', hint: 'Yes / no on a condition', color: 'orange' },
  { kind: 'random_split', label: 'Random split', hint: 'A/B test by weights', color: 'orange' },
  { kind: 'send_email', label: 'Send email', hint: 'A template to the person', color: 'blue' },
  { kind: 'send_webhook', label: 'Send webhook', hint: 'Through a destination', color: 'cyan' },
  { kind: 'update_trait', label: 'Update trait', hint: 'Set a trait to a value', color: 'teal' },
  {
    kind: 'update_crm_field',
    label: 'Update CRM field',
    hint: 'Lifecycle stage, lead status…',
    color: 'teal',
  },
  { kind: 'create_task', label: 'Create task', hint: 'A task for the team', color: 'lime' },
  { kind: 'create_ticket', label: 'Create ticket', hint: 'A support ticket', color: 'lime' },
  { kind: 'list', label: 'Static list', hint: 'Add to or remove from a static list', color: 'indigo' },
  { kind: 'exit', label: 'Exit', hint: 'The journey ends here', color: 'red' },
];

export function stepKindLabel(kind: string): string {
  return STEP_KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

export function stepKindColor(kind: string): string {
  return STEP_KINDS.find((k) => k.kind === kind)?.color ?? 'gray';
}

/** An outgoing link of a step: its handle id and the words on it. */
export type Branch = { handle: string; label: string };

/** A step's outgoing handles: one for plain steps, one per branch for branching kinds, none for exit. */
export function branchesOf(step: StepFields): Branch[] {
  switch (step.kind) {
    case 'wait_for_event':
    case 'wait_for_audience':
      return [
        { handle: 'matched', label: step.kind === 'wait_for_event' ? 'happened' : 'changed' },
        { handle: 'timeout', label: 'timed out' },
      ];
    case 'split':
      return [
        { handle: 'yes', label: 'yes' },
        { handle: 'no', label: 'no' },
      ];
    case 'random_split': {
      const total = step.weights.reduce((sum, w) => sum + w, 0);
      return step.weights.map((weight, index) => ({
        handle: String(index),
        label: `${String.fromCharCode(65 + index)} ${total > 0 ? Math.round((weight / total) * 100) : 0}%`,
      }));
    }
    case 'exit':
      return [];
    default:
      return [{ handle: 'next', label: '' }];
  }
}

/** A new step of `kind` with fields a person then fills in (empty ones fail validation, by design). */
export function newStepFields(kind: JourneyStepKind, id: string): StepFields {
  switch (kind) {
    case 'delay':
      return { id, kind, duration: '1d' };
    case 'wait_for_event':
      return { id, kind, event: '', timeout: '3d' };
    case 'wait_for_audience':
      return { id, kind, audienceId: '', change: 'entered', timeout: '3d' };
    case 'split':
      return { id, kind, condition: { all: [] } };
    case 'random_split':
      return { id, kind, weights: [50, 50] };
    case 'send_email':
      return { id, kind, templateId: '' };
    case 'send_webhook':
      return { id, kind, destinationId: '' };
    case 'update_trait':
      return { id, kind, trait: '', value: '' };
    case 'update_crm_field':
      return { id, kind, field: 'lifecycleStage', value: '' };
    case 'create_task':
      return { id, kind, title: '' };
    case 'create_ticket':
      return { id, kind, subject: '', priority: 'normal' };
    case 'list':
      return { id, kind, listId: '', action: 'add' };
    case 'exit':
      return { id, kind };
  }
}
