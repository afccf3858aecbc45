import type { SequenceStep } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { EmailQueue } from '../email/index.js';
import { liveProfilesOf } from '../identity/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { stepsOf } from './sequence-definitions.js';
import { dueAfter } from './step-delay.js';

/** A task step's task, made for the enrollment's owner once the step's transaction has committed. */
export interface SequenceTask {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly ownerId: string | null;
  readonly title: string;
  readonly notes: string;
  readonly dueAt: string;
}

export interface SequenceSchedulerOptions {
  readonly store: Store;
  readonly clock: () => number;
  /** The email domain's queue; without one, email steps are recorded as skipped. */
  readonly emailQueue: () => EmailQueue | undefined;
  /** Creates the task (the CRM tasks domain); returns its id. */
  readonly createTask: (task: SequenceTask) => Promise<string>;
  /** Replies to a sequence's email go to `reply+<token>@<replyDomain>`. */
  readonly replyDomain: string;
  /** Time between passes. Default 1 s. */
  readonly intervalMs?: number | undefined;
  /** Enrollments advanced per transaction. Default 200. */
  readonly batchSize?: number | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** What one pass did. */
export interface SchedulerPass {
  readonly stepsRun: number;
  readonly tasksCreated: number;
}

// A task run still pending this long after its step committed was left by a crash: retried.
const STALE_PENDING_MS = 60_000;

/**
 * Runs sequences' steps when they fall due. Each batch claims due enrollments (row locks on
 * PostgreSQL, skipping rows another process holds; SQLite has one writer), records the step run
 * (its primary key refuses a second run of a step), queues the email in the same transaction and
 * moves the enrollment on: a step's email is queued exactly once, across crashes and processes.
 * Task steps create their task after the commit (the tasks domain writes in its own
 * transaction): at most once normally, retried after a crash.
 */
export class SequenceScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private again = false;
  private onError: ((error: unknown) => void) | undefined;

  constructor(private readonly options: SequenceSchedulerOptions) {}

  /** Runs a pass every interval in the background; failures go to `onError` (else the option's). */
  start(onError = this.options.onError): void {
    if (this.timer) return;
    this.onError = onError;
    this.timer = setInterval(() => this.wake(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs a pass now (enrollments may be due at once), or right after the one running. */
  wake(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runDue()
      .catch((error: unknown) => this.onError?.(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** One pass: every step due by now, then the tasks those steps (or a crash) left pending. */
  async runDue(): Promise<SchedulerPass> {
    const batchSize = this.options.batchSize ?? 200;
    let stepsRun = 0;
    for (;;) {
      const ran = await this.runBatch(batchSize);
      stepsRun += ran;
      if (ran < batchSize) break;
    }
    const tasksCreated = await this.createPendingTasks();
    return { stepsRun, tasksCreated };
  }

  private runBatch(limit: number): Promise<number> {
    const now = this.options.clock();
    const nowText = new Date(now).toISOString();
    return writeTransaction(this.options.store, async (trx) => {
      let query = trx
        .selectFrom('sequence_enrollments')
        .selectAll()
        .where('next_at', 'is not', null)
        .where('next_at', '<=', nowText)
        .where('status', '=', 'active')
        .orderBy('next_at')
        .limit(limit);
      if (this.options.store.kind === 'postgres') query = query.forUpdate().skipLocked();
      const due = await query.execute();
      const sequences = new Map<string, SequenceStep[] | null>();
      for (const enrollment of due) {
        const key = `${enrollment.workspace_id}/${enrollment.sequence_id}`;
        if (!sequences.has(key)) sequences.set(key, await this.stepsOf(trx, enrollment));
        const steps = sequences.get(key) ?? null;
        const step = steps?.[enrollment.current_step];
        if (steps && step) await this.runStep(trx, { enrollment, step, index: enrollment.current_step, now });
        const nextIndex = enrollment.current_step + (step ? 1 : 0);
        const next = steps?.[nextIndex];
        await trx
          .updateTable('sequence_enrollments')
          .set(
            next
              ? {
                  current_step: nextIndex,
                  next_at: new Date(dueAfter(now, next.delay, next.businessDays)).toISOString(),
                }
              : { current_step: nextIndex, status: 'finished', next_at: null, ended_at: nowText },
          )
          .where('workspace_id', '=', enrollment.workspace_id)
          .where('enrollment_id', '=', enrollment.enrollment_id)
          .execute();
      }
      return due.length;
    });
  }

  private async stepsOf(
    trx: Kysely<Database>,
    enrollment: { workspace_id: string; sequence_id: string },
  ): Promise<SequenceStep[] | null> {
    const row = await trx
      .selectFrom('sequences')
      .select('steps')
      .where('workspace_id', '=', enrollment.workspace_id)
      .where('sequence_id', '=', enrollment.sequence_id)
      .executeTakeFirst();
    return row ? stepsOf(row) : null;
  }

  /** Records the run (once per step: the primary key) and queues its email or marks its task pending. */
  private async runStep(
    trx: Kysely<Database>,
    run: {
      enrollment: Database['sequence_enrollments'];
      step: SequenceStep;
      index: number;
      now: number;
    },
  ): Promise<void> {
    const { enrollment, step } = run;
    const inserted = await trx
      .insertInto('sequence_step_runs')
      .values({
        workspace_id: enrollment.workspace_id,
        enrollment_id: enrollment.enrollment_id,
        step_index: run.index,
        sequence_id: enrollment.sequence_id,
        step_id: step.id,
        kind: step.kind,
        profile_id: enrollment.profile_id,
        status: step.kind === 'task' ? 'pending' : 'done',
        output_id: null,
        ran_at: new Date(run.now).toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    // Already run (a crash between a run and its enrollment's move cannot happen, but be sure).
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
    if (step.kind !== 'email') return;
    const queue = this.options.emailQueue();
    let outputId: string | null = null;
    if (queue) {
      // The person as they are now (enrolled under an id merged away since).
      const live = await liveProfilesOf(trx, enrollment.workspace_id, [enrollment.profile_id]);
      [outputId = null] = await queue.enqueue(trx, [
        {
          workspaceId: enrollment.workspace_id,
          profileId: live.get(enrollment.profile_id) ?? enrollment.profile_id,
          templateId: step.templateId,
          origin: {
            kind: 'sequence',
            id: enrollment.sequence_id,
            stepId: step.id,
            runId: enrollment.enrollment_id,
          },
          headers: { 'Reply-To': `reply+${enrollment.reply_token}@${this.options.replyDomain}` },
        },
      ]);
    }
    await trx
      .updateTable('sequence_step_runs')
      .set({ status: queue ? 'done' : 'skipped', output_id: outputId })
      .where('workspace_id', '=', enrollment.workspace_id)
      .where('enrollment_id', '=', enrollment.enrollment_id)
      .where('step_index', '=', run.index)
      .execute();
  }

  /** Creates the tasks of task steps run (claimed one by one, so two processes never both do). */
  private async createPendingTasks(): Promise<number> {
    const now = this.options.clock();
    const staleBefore = new Date(now - STALE_PENDING_MS).toISOString();
    const db = this.options.store.db;
    const pending = await db
      .selectFrom('sequence_step_runs')
      .select(['workspace_id', 'enrollment_id', 'step_index', 'step_id', 'status', 'ran_at'])
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'creating'), eb('ran_at', '<', staleBefore)]),
        ]),
      )
      .orderBy('ran_at')
      .limit(500)
      .execute();
    let created = 0;
    for (const run of pending) {
      const claimed = await this.setRun(
        run,
        { status: 'creating', ran_at: new Date(now).toISOString() },
        run,
      );
      if (!claimed) continue;
      const task = await this.taskOf(run);
      if (!task) {
        await this.setRun(run, { status: 'skipped' });
        continue;
      }
      const taskId = await this.options.createTask(task);
      await this.setRun(run, { status: 'done', output_id: taskId });
      created += 1;
    }
    return created;
  }

  /** Updates one step run (only if still as `expected`); whether it did. */
  private async setRun(
    run: { workspace_id: string; enrollment_id: string; step_index: number },
    set: { status: string; ran_at?: string; output_id?: string },
    expected?: { status: string; ran_at: string },
  ): Promise<boolean> {
    let query = this.options.store.db
      .updateTable('sequence_step_runs')
      .set(set)
      .where('workspace_id', '=', run.workspace_id)
      .where('enrollment_id', '=', run.enrollment_id)
      .where('step_index', '=', run.step_index);
    if (expected) query = query.where('status', '=', expected.status).where('ran_at', '=', expected.ran_at);
    return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
  }

  private async taskOf(run: {
    workspace_id: string;
    enrollment_id: string;
    step_id: string;
  }): Promise<SequenceTask | undefined> {
    const db = this.options.store.db;
    const enrollment = await db
      .selectFrom('sequence_enrollments')
      .select(['profile_id', 'owner_id', 'sequence_id'])
      .where('workspace_id', '=', run.workspace_id)
      .where('enrollment_id', '=', run.enrollment_id)
      .executeTakeFirst();
    if (!enrollment) return undefined;
    const sequence = await db
      .selectFrom('sequences')
      .select('steps')
      .where('workspace_id', '=', run.workspace_id)
      .where('sequence_id', '=', enrollment.sequence_id)
      .executeTakeFirst();
    const step = sequence ? stepsOf(sequence).find((candidate) => candidate.id === run.step_id) : undefined;
    if (step?.kind !== 'task') return undefined;
    return {
      workspaceId: run.workspace_id,
      profileId: enrollment.profile_id,
      ownerId: enrollment.owner_id,
      title: step.title,
      notes: step.notes,
      dueAt: new Date(this.options.clock()).toISOString(),
    };
  }
}
