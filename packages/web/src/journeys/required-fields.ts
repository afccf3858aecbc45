import type { JourneyEntry } from '@tandem/contract';
import type { JourneyProblem } from './journeys-api';
import type { StepFields } from './step-kinds';

// What a person must still fill in, said in the editor's words before the server is asked
// (the server would refuse the same definitions, in a schema's words).

/** The unfilled fields of a step. */
export function stepFieldProblems(step: StepFields): JourneyProblem[] {
  const missing = (field: string, message: string) => [{ stepId: step.id, field, message }];
  switch (step.kind) {
    case 'delay':
      return [step.duration, step.untilTimeOfDay, step.untilTrait].some((way) => way)
        ? []
        : missing('duration', 'Say how long to wait.');
    case 'wait_for_event':
      return step.event.trim() === '' ? missing('event', 'Name the event to wait for.') : [];
    case 'wait_for_audience':
      return step.audienceId === '' ? missing('audienceId', 'Pick an audience.') : [];
    case 'send_email':
      return step.templateId === '' ? missing('templateId', 'Pick an email template.') : [];
    case 'send_webhook':
      return step.destinationId === '' ? missing('destinationId', 'Pick a destination.') : [];
    case 'update_trait':
      return step.trait.trim() === '' ? missing('trait', 'Name the trait to update.') : [];
    case 'update_crm_field':
      return step.field.trim() === '' ? missing('field', 'Name the CRM field to update.') : [];
    case 'create_task':
      return step.title.trim() === '' ? missing('title', 'Give the task a title.') : [];
    case 'create_ticket':
      return step.subject.trim() === '' ? missing('subject', 'Give the ticket a subject.') : [];
    case 'list':
      return step.listId === '' ? missing('listId', 'Pick a list.') : [];
    case 'split':
    case 'random_split':
    case 'exit':
      return [];
  }
}

/** The unfilled fields of the entry. */
export function entryFieldProblems(entry: JourneyEntry): JourneyProblem[] {
  switch (entry.kind) {
    case 'event':
      return entry.event.trim() === ''
        ? [{ field: 'entry.event', message: 'Name the event that starts the journey.' }]
        : [];
    case 'audience_entered':
    case 'audience_exited':
      return entry.audienceId === '' ? [{ field: 'entry.audienceId', message: 'Pick an audience.' }] : [];
    case 'date_trait':
      return entry.trait.trim() === '' ? [{ field: 'entry.trait', message: 'Name the date trait.' }] : [];
    case 'schedule':
      return entry.cron.trim() === '' ? [{ field: 'entry.cron', message: 'Enter a cron schedule.' }] : [];
    case 'crm_change':
      return [];
  }
}
