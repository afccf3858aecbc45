import type { JourneyEntry } from '@tandem/contract';
import type { StepFields } from './step-kinds';

const UNITS: Record<string, [string, string]> = {
  s: ['second', 'seconds'],
  m: ['minute', 'minutes'],
  h: ['hour', 'hours'],
  d: ['day', 'days'],
  w: ['week', 'weeks'],
};

/** `3d` as "3 days", `-7d` as "7 days before". */
export function durationText(duration: string | undefined): string {
  const match = /^(-?)(\d+)([smhdw])$/.exec(duration ?? '');
  if (!match) return duration ?? '';
  const amount = Number(match[2]);
  const [one, many] = UNITS[match[3] ?? 'd'] ?? ['', ''];
  return `${amount} ${amount === 1 ? one : many}${match[1] ? ' before' : ''}`;
}

type Names = ReadonlyMap<string, string>;
const named = (names: Names, id: string, missing: string) => (id === '' ? missing : (names.get(id) ?? id));

/** What a step does, in a few words, for its node. */
export function stepSummary(step: StepFields, names: Names): string {
  switch (step.kind) {
    case 'delay':
      if (step.untilTimeOfDay) return `Until ${step.untilTimeOfDay} their time`;
      if (step.untilTrait)
        return `Until ${step.untilTrait}${step.offset ? ` ${durationText(step.offset)}` : ''}`;
      return step.duration ? `Wait ${durationText(step.duration)}` : 'How long?';
    case 'wait_for_event':
      return `${step.event || 'Which event?'} within ${durationText(step.timeout)}`;
    case 'wait_for_audience':
      return `${step.change === 'exited' ? 'Leaves' : 'Enters'} ${named(names, step.audienceId, 'which audience?')} within ${durationText(step.timeout)}`;
    case 'split':
      return 'Matches the condition?';
    case 'random_split':
      return `${step.weights.length} groups`;
    case 'send_email':
      return named(names, step.templateId, 'Which template?');
    case 'send_webhook':
      return named(names, step.destinationId, 'Which destination?');
    case 'update_trait':
      return step.trait ? `${step.trait} = ${String(step.value)}` : 'Which trait?';
    case 'update_crm_field':
      return `${step.field} = ${String(step.value)}`;
    case 'create_task':
      return step.title || 'Task title?';
    case 'create_ticket':
      return step.subject || 'Ticket subject?';
    case 'list':
      return `${step.action === 'add' ? 'Add to' : 'Remove from'} ${named(names, step.listId, 'which list?')}`;
    case 'exit':
      return 'Leaves the journey';
  }
}

/** Who starts the journey, in a few words, for the entry node. */
export function entrySummary(entry: JourneyEntry, names: Names): string {
  switch (entry.kind) {
    case 'event':
      return entry.event ? `Performs ${entry.event}` : 'Which event?';
    case 'crm_change':
      return entry.event;
    case 'audience_entered':
      return `Enters ${named(names, entry.audienceId, 'which audience?')}`;
    case 'audience_exited':
      return `Leaves ${named(names, entry.audienceId, 'which audience?')}`;
    case 'date_trait':
      return `On ${entry.trait || 'which date trait?'}${entry.offset ? ` (${durationText(entry.offset)})` : ''}`;
    case 'schedule':
      return `Schedule ${entry.cron || '?'}`;
  }
}
