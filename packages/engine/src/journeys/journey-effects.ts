import type { JourneyStep } from '@tandem/contract';
import { type Store, writeTransaction } from '../store/index.js';
import { journeyMs } from './journey-timing.js';

/** What other domains do for a journey's steps, each in its own transaction (wired in engine.ts). */
export interface JourneyEffectHandlers {
  createTask(
    workspaceId: string,
    input: { title: string; profileId: string; dueAt?: string | undefined; assigneeId?: string | undefined },
  ): Promise<string>;
  createTicket(
    workspaceId: string,
    input: { subject: string; priority: string; body?: string | undefined; profileId: string },
  ): Promise<string>;
  updateCrmField(workspaceId: string, profileId: string, field: string, value: unknown): Promise<void>;
}

/**
 * Runs the steps other domains' services do (tasks, tickets, CRM fields): the runner records
 * each as a pending row in the step's transaction; this worker marks it running (committed),
 * calls the service, and records the outcome. At most once per (run, step): one interrupted
 * mid-call is left `interrupted`, never repeated.
 */
export class JourneyEffects {
  private running: Promise<void> | undefined;
  private again = false;
  private interval: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly handlers: () => JourneyEffectHandlers | undefined,
    private readonly options: { clock: () => number; onError?: (error: unknown) => void; pollMs?: number },
  ) {}

  /** Marks calls cut short by a crash, then polls for pending effects. */
  start(): void {
    if (this.interval) return;
    this.interval = setInterval(() => this.wake(), this.options.pollMs ?? 1000);
    this.interval.unref();
    this.running = this.store.db
      .updateTable('journey_effects')
      .set({ status: 'interrupted' })
      .where('status', '=', 'running')
      .execute()
      .then(() => this.drain())
      .then(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Works through pending effects now (after a commit that queued some). */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /**
   * Resolves once no pass runs and nothing is pending, a pass a commit woke included: what a
   * caller (a test) reads next is final.
   */
  async settled(): Promise<void> {
    for (;;) {
      await this.running?.catch(() => undefined);
      if ((await this.drain()) === 0 && this.running === undefined) return;
    }
  }

  /** Every pending effect, 50 at a time. */
  async drain(): Promise<number> {
    let done = 0;
    for (;;) {
      const claimed = await writeTransaction(this.store, async (trx) => {
        const rows = await trx
          .selectFrom('journey_effects')
          .selectAll()
          .where('status', '=', 'pending')
          .orderBy('created_at')
          .limit(50)
          .execute();
        for (const row of rows)
          await trx
            .updateTable('journey_effects')
            .set({ status: 'running' })
            .where('workspace_id', '=', row.workspace_id)
            .where('run_id', '=', row.run_id)
            .where('step_id', '=', row.step_id)
            .execute();
        return rows;
      });
      if (claimed.length === 0) return done;
      for (const row of claimed) {
        let status = 'done';
        let result: string;
        try {
          result = await this.perform(
            row.workspace_id,
            row.profile_id,
            JSON.parse(row.payload) as JourneyStep,
          ); // written by the runner
        } catch (error) {
          status = 'failed';
          result = error instanceof Error ? error.message : String(error);
        }
        await this.store.db
          .updateTable('journey_effects')
          .set({ status, result })
          .where('workspace_id', '=', row.workspace_id)
          .where('run_id', '=', row.run_id)
          .where('step_id', '=', row.step_id)
          .execute();
        done += 1;
      }
    }
  }

  private async perform(workspaceId: string, profileId: string, step: JourneyStep): Promise<string> {
    const handlers = this.handlers();
    if (!handlers) throw new Error('no handler for journey effects');
    switch (step.kind) {
      case 'create_task': {
        const dueAt = step.dueIn
          ? new Date(this.options.clock() + journeyMs(step.dueIn)).toISOString()
          : undefined;
        return handlers.createTask(workspaceId, {
          title: step.title,
          profileId,
          dueAt,
          assigneeId: step.assigneeId,
        });
      }
      case 'create_ticket':
        return handlers.createTicket(workspaceId, {
          subject: step.subject,
          priority: step.priority,
          body: step.body,
          profileId,
        });
      case 'update_crm_field':
        await handlers.updateCrmField(workspaceId, profileId, step.field, step.value);
        return 'updated';
      default:
        throw new Error(`not an effect step: ${step.kind}`);
    }
  }
}
