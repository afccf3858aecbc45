import { fromJson, lockedForUpdate, type Store, writeTransaction } from '../../store/index.js';
import { clockAtNow, rowOf, type SlaService } from './sla-service.js';

export interface SlaSweeperOptions {
  /** Time between passes; breaches are acted on within this (plus a pass's duration). Default 5 s. */
  readonly intervalMs?: number | undefined;
  /** Clocks handled per transaction. Default 500. */
  readonly batchSize?: number | undefined;
  readonly clock?: (() => number) | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Tells the pipeline events were committed. */
  readonly wake?: (() => void) | undefined;
}

/** What one pass did. */
export interface SweepReport {
  /** Clocks whose check time had come. */
  readonly checked: number;
  /** SLA Breached events appended (SLA At Risk events are not counted). */
  readonly breaches: number;
}

/**
 * Acts when time alone changes a clock: a target turning at risk, or breached. Each pass reads
 * only the clocks whose `next_check_at` has come, through the partial index on that column, so
 * 100k open tickets cost a short index range per pass. Across workspaces on purpose: it is the
 * process's background loop (each row keeps its own workspace_id; every write is scoped by it).
 */
export class SlaSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: Store,
    private readonly service: SlaService,
    private readonly options: SlaSweeperOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.batchSize = options.batchSize ?? 500;
    this.clock = options.clock ?? Date.now;
  }

  get started(): boolean {
    return this.timer !== undefined;
  }

  /** Runs a pass every interval in the background; failures go to `onError` (else the option's). */
  start(onError = this.options.onError): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .then(() => undefined, onError ?? (() => undefined))
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: every clock due by now, in batches. */
  async sweep(): Promise<SweepReport> {
    let checked = 0;
    let breaches = 0;
    for (;;) {
      const batch = await this.sweepBatch();
      checked += batch.checked;
      breaches += batch.breaches;
      if (batch.checked < this.batchSize) break;
    }
    if (breaches > 0) this.options.wake?.();
    return { checked, breaches };
  }

  private sweepBatch(): Promise<SweepReport> {
    const now = this.clock();
    const nowText = new Date(now).toISOString();
    return writeTransaction(this.store, async (trx) => {
      const rows = await trx
        .selectFrom('sla_clocks')
        .select(['workspace_id', 'ticket_id', 'profile_id', 'state', 'notified'])
        .where('next_check_at', 'is not', null)
        .where('next_check_at', '<=', nowText)
        .orderBy('next_check_at')
        .limit(this.batchSize)
        .$call(lockedForUpdate(this.store.kind))
        .execute();
      let breaches = 0;
      for (const row of rows) {
        const state = clockAtNow(row.state, now);
        const notified = fromJson<string[]>(row.notified);
        const clock = {
          workspaceId: row.workspace_id,
          ticketId: row.ticket_id,
          profileId: row.profile_id,
          state,
          now,
        };
        const after = await this.service.notify(trx, { ...clock, notified });
        breaches += after.breaches;
        const next = rowOf({ ...clock, notified: after.notified });
        await trx
          .updateTable('sla_clocks')
          .set({
            state: next.state,
            breached: next.breached,
            notified: next.notified,
            at_risk: next.at_risk,
            next_check_at: next.next_check_at,
            attention_at: next.attention_at,
            updated_at: next.updated_at,
          })
          .where('workspace_id', '=', row.workspace_id)
          .where('ticket_id', '=', row.ticket_id)
          .execute();
      }
      return { checked: rows.length, breaches };
    });
  }
}
