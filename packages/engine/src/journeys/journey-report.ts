import type { JourneyDefinition, JourneyReport } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.js';

/** One step's email figures, from the email domain. */
export type JourneyEmailCounts = NonNullable<JourneyReport['steps'][number]['email']>;

/** The email domain's figures per send_email step of a journey (zeros until it is wired in). */
export type EmailCountsOf = (
  db: Kysely<Database>,
  workspaceId: string,
  journeyId: string,
) => Promise<ReadonlyMap<string, JourneyEmailCounts>>;

export const NO_EMAIL_COUNTS: EmailCountsOf = async () => new Map();

const ZERO_EMAIL: JourneyEmailCounts = {
  sent: 0,
  delivered: 0,
  opened: 0,
  clicked: 0,
  unsubscribed: 0,
  bounced: 0,
  skipped: 0,
};

/** Entered, in progress and how runs ended; the goal against the holdout; per step now at and passed. */
export async function journeyReport(
  db: Kysely<Database>,
  input: {
    workspaceId: string;
    journeyId: string;
    definition: JourneyDefinition;
    emailCountsOf: EmailCountsOf;
  },
): Promise<JourneyReport> {
  const { workspaceId, journeyId, definition } = input;
  const byStatus = await db
    .selectFrom('journey_runs')
    .select((eb) => ['status', 'holdout', eb.fn.countAll<number | string>().as('people')])
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .groupBy(['status', 'holdout'])
    .execute();
  const tally = {
    entered: 0,
    inProgress: 0,
    completed: 0,
    exited: 0,
    converted: 0,
    holdout: 0,
    holdoutConverted: 0,
  };
  for (const row of byStatus) {
    const people = Number(row.people);
    if (row.holdout === 1) {
      tally.holdout += people;
      if (row.status === 'converted') tally.holdoutConverted += people;
      continue;
    }
    tally.entered += people;
    if (row.status === 'active') tally.inProgress += people;
    else if (row.status === 'completed') tally.completed += people;
    else if (row.status === 'exited') tally.exited += people;
    else if (row.status === 'converted') tally.converted += people;
  }
  const [current, passed, email] = await Promise.all([
    db
      .selectFrom('journey_runs')
      .select((eb) => ['step_id', eb.fn.countAll<number | string>().as('people')])
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .where('status', '=', 'active')
      .groupBy('step_id')
      .execute(),
    db
      .selectFrom('journey_run_steps')
      .select((eb) => ['step_id', eb.fn.count<number | string>(sql`DISTINCT run_id`).as('people')])
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .groupBy('step_id')
      .execute(),
    input.emailCountsOf(db, workspaceId, journeyId),
  ]);
  const currentOf = new Map(current.map((r) => [r.step_id, Number(r.people)]));
  const passedOf = new Map(passed.map((r) => [r.step_id, Number(r.people)]));
  const goal = definition.settings?.goal
    ? {
        journeyRate: tally.entered === 0 ? null : tally.converted / tally.entered,
        holdoutRate: tally.holdout === 0 ? null : tally.holdoutConverted / tally.holdout,
        holdout: tally.holdout,
        holdoutConverted: tally.holdoutConverted,
      }
    : null;
  return {
    journeyId,
    entered: tally.entered,
    inProgress: tally.inProgress,
    completed: tally.completed,
    exited: tally.exited,
    converted: tally.converted,
    goal,
    steps: definition.steps.map((step) => ({
      stepId: step.id,
      kind: step.kind,
      current: currentOf.get(step.id) ?? 0,
      passed: passedOf.get(step.id) ?? 0,
      ...(step.kind === 'send_email' ? { email: email.get(step.id) ?? ZERO_EMAIL } : {}),
    })),
  };
}
