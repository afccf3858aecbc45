import type { JourneyDefinition, JourneyProblem, JourneyValidation } from '@tandem/contract';
import { CronExpressionParser } from 'cron-parser';
import { compileRule, type RuleScope } from '../audiences/index.js';
import { compileWhere } from '../conditions/index.js';
import { instantCycle, nextsOf, reachableSteps, WAITING_KINDS } from './journey-graph.js';

/** Whether what a step names exists in the workspace (each answer from its own domain). */
export interface JourneyReferences {
  readonly scope: RuleScope;
  audienceExists(id: string): Promise<boolean>;
  destinationExists(id: string): Promise<boolean>;
  /** Unknown (true) until the email domain is wired in. */
  templateExists(id: string): Promise<boolean>;
  /** Unknown (true) until the lists domain is wired in. */
  listExists(id: string): Promise<boolean>;
  /** Whether a user is a member of the workspace (a task step's assignee). */
  memberExists(userId: string): Promise<boolean>;
  /** Whether people have this CRM field: a built-in one or a custom field's key. */
  crmFieldExists(field: string): Promise<boolean>;
}

/**
 * Everything that would stop a definition from running: next ids that name no step, steps no
 * one reaches, cycles without a wait, a random split's weights against its branches, a delay
 * with nothing to wait for, conditions that do not compile, references to nothing.
 */
export async function validateJourney(
  definition: JourneyDefinition,
  references: JourneyReferences,
): Promise<JourneyValidation> {
  const problems: JourneyProblem[] = [];
  const ids = new Set<string>();
  const entry = definition.entry;
  if (entry.kind === 'event' || entry.kind === 'crm_change') checkWhere(entry.where, 'entry.where', problems);
  if (
    entry.kind === 'audience_entered' ||
    entry.kind === 'audience_exited' ||
    (entry.kind === 'schedule' && entry.audienceId)
  ) {
    const audienceId = entry.audienceId as string; // present in each of these kinds
    if (!(await references.audienceExists(audienceId)))
      problems.push({ field: 'entry.audienceId', message: `no audience ${audienceId}` });
  }
  if (entry.kind === 'schedule') {
    try {
      CronExpressionParser.parse(entry.cron, { tz: 'UTC' });
    } catch {
      problems.push({ field: 'entry.cron', message: `not a five-field cron expression: ${entry.cron}` });
    }
  }
  for (const goal of ['exitWhen', 'goal'] as const) {
    const condition = definition.settings?.[goal];
    if (condition) checkWhere(condition.where, `settings.${goal}.where`, problems);
  }
  for (const step of definition.steps) {
    if (ids.has(step.id))
      problems.push({ stepId: step.id, field: 'id', message: `two steps have id ${step.id}` });
    ids.add(step.id);
  }
  for (const step of definition.steps) {
    const at = (field: string, message: string) => problems.push({ stepId: step.id, field, message });
    for (const { field, to } of nextsOf(step))
      if (to !== null && !ids.has(to)) at(field, `no step has id ${to}`);
    switch (step.kind) {
      case 'delay': {
        const ways = [step.duration, step.untilTimeOfDay, step.untilTrait].filter((w) => w !== undefined);
        if (ways.length !== 1)
          at('duration', 'a delay needs exactly one of duration, untilTimeOfDay, untilTrait');
        if (step.offset !== undefined && step.untilTrait === undefined)
          at('offset', 'an offset is for untilTrait');
        break;
      }
      case 'wait_for_event':
        checkWhere(step.where, 'where', problems, step.id);
        break;
      case 'wait_for_audience':
        if (!(await references.audienceExists(step.audienceId)))
          at('audienceId', `no audience ${step.audienceId}`);
        break;
      case 'split': {
        const compiled = compileRule(step.condition, references.scope, 'condition');
        if (!compiled.ok) for (const issue of compiled.error) at(issue.path, issue.message);
        break;
      }
      case 'random_split':
        if (step.weights.length !== step.next.length)
          at('weights', `${step.weights.length} weights for ${step.next.length} branches`);
        else if (step.weights.every((w) => w === 0)) at('weights', 'at least one weight above 0');
        break;
      case 'send_email':
        if (!(await references.templateExists(step.templateId)))
          at('templateId', `no template ${step.templateId}`);
        break;
      case 'send_webhook':
        if (!(await references.destinationExists(step.destinationId)))
          at('destinationId', `no destination ${step.destinationId}`);
        break;
      case 'list':
        if (!(await references.listExists(step.listId))) at('listId', `no list ${step.listId}`);
        break;
      case 'create_task':
        if (step.assigneeId !== undefined && !(await references.memberExists(step.assigneeId)))
          at('assigneeId', `${step.assigneeId} is not a member of this workspace`);
        break;
      case 'update_crm_field':
        if (!(await references.crmFieldExists(step.field)))
          at('field', `people have no CRM field ${step.field}`);
        break;
      case 'update_trait':
      case 'create_ticket':
      case 'exit':
        break;
      default: {
        const unknown: never = step;
        throw new Error(`unknown step ${JSON.stringify(unknown)}`);
      }
    }
  }
  const reachable = reachableSteps(definition);
  for (const step of definition.steps)
    if (!reachable.has(step.id))
      problems.push({ stepId: step.id, field: 'id', message: 'no step leads here' });
  const cycle = instantCycle(definition);
  if (cycle) {
    problems.push({
      stepId: cycle[0],
      field: 'next',
      message: `the steps ${cycle.join(' → ')} loop without a ${[...WAITING_KINDS].join(' or ')}`,
    });
  }
  return { valid: problems.length === 0, problems };
}

function checkWhere(
  where: Parameters<typeof compileWhere>[0] | undefined,
  path: string,
  problems: JourneyProblem[],
  stepId?: string,
): void {
  if (!where) return;
  const compiled = compileWhere(where, path);
  if (compiled.ok) return;
  for (const issue of compiled.error)
    problems.push({ ...(stepId === undefined ? {} : { stepId }), field: issue.path, message: issue.message });
}
