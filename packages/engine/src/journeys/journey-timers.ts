import { type Kysely, sql } from 'kysely';
import { type Database, prepared, rawSqliteOf, type Store, writeTransaction } from '../store/index.js';
import { type JourneyRunner, JourneyWrites, runStateOf } from './journey-runner.js';
import { sweepTimedEntries } from './journey-sweeps.js';
import { addTo } from './journey-writes.js';

export interface JourneyTimersOptions {
  /** Timers claimed (and their runs advanced) per transaction. Default 2000. */
  readonly chunk?: number | undefined;
  /** Longest sleep between looks at the next due time (other processes' timers). Default 200 ms. */
  readonly pollMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Time zone of schedule and date-trait ticks (default UTC). */
  readonly timeZone?: string | undefined;
}

/**
 * The durable timers' worker: claims due timers in chunks and, in the same transaction, deletes
 * them and moves their runs on (path rows, next timers, events, emails). A crash before the
 * commit leaves the timers to fire on restart; after it, they are gone: none lost, none fired
 * twice. On PostgreSQL, claimed rows are locked and skipped by other processes.
 */
export class JourneyTimers {
  private running: Promise<void> | undefined;
  private stopped = true;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private readonly chunk: number;
  private readonly pollMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: Store,
    private readonly runner: JourneyRunner,
    private readonly options: JourneyTimersOptions = {},
  ) {
    this.chunk = options.chunk ?? 2000;
    this.pollMs = options.pollMs ?? 200;
    this.clock = options.clock ?? Date.now;
  }

  get started(): boolean {
    return !this.stopped;
  }

  /** Fires timers as they come due, in the background, until `stop()`. */
  start(onError = this.options.onError): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop(onError ?? (() => undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    this.running = undefined;
  }

  /** Looks again at once (a journey resumed, a timer set in this process). */
  wake(): void {
    const sleeper = this.sleeper;
    this.sleeper = undefined;
    if (sleeper) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
  }

  /** Fires every timer due by `now` (tests, the CLI); answers how many fired. */
  async fireDue(now = this.clock()): Promise<number> {
    let fired = 0;
    for (;;) {
      const claimed = await this.fireChunk(now);
      fired += claimed;
      if (claimed < this.chunk) return fired;
    }
  }

  /** One transaction: up to `chunk` due timers deleted, their runs moved on. Answers how many. */
  async fireChunk(now: number): Promise<number> {
    const { claimed, after } = await writeTransaction(this.store, async (trx) => {
      const paused = await trx
        .selectFrom('journeys')
        .select('journey_id')
        .where('status', '=', 'paused')
        .execute();
      let query = trx
        .selectFrom('journey_timers')
        .select(['workspace_id', 'run_id', 'step_id', 'kind', 'journey_id'])
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .limit(this.chunk);
      if (paused.length > 0)
        query = query.where(
          'journey_id',
          'not in',
          paused.map((p) => p.journey_id),
        );
      if (this.store.kind === 'postgres') query = query.forUpdate().skipLocked();
      const timers = await query.execute();
      if (timers.length === 0) return { claimed: 0, after: () => {} };
      const writes = new JourneyWrites();
      const byWorkspace = new Map<string, string[]>();
      for (const t of timers) {
        writes.clearTimer(t.workspace_id, t.run_id);
        addTo(byWorkspace, t.workspace_id, t.run_id);
      }
      const runs = await this.activeRuns(trx, byWorkspace);
      for (const timer of timers) {
        const run = runs.get(`${timer.workspace_id}/${timer.run_id}`);
        // A timer of a step the run has left (or of a run that ended) just goes.
        if (!run || run.stepId !== timer.step_id) continue;
        const journey = await this.runner.version(trx, run.workspaceId, run.journeyId, run.version);
        await this.runner.resume(trx, writes, run, journey, timer.kind === 'delay' ? 'passed' : 'timeout');
      }
      return { claimed: timers.length, after: await this.runner.commit(trx, writes) };
    });
    after();
    return claimed;
  }

  /** Enters the people whose schedule or date-trait tick has come (the loop's first duty each turn). */
  async sweep(now = this.clock()): Promise<number> {
    return sweepTimedEntries(this.store, this.runner, { now, timeZone: this.options.timeZone ?? 'UTC' });
  }

  /** The active runs of these timers (prepared statements on SQLite). */
  private async activeRuns(
    trx: Kysely<Database>,
    byWorkspace: ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, ReturnType<typeof runStateOf>>> {
    const runs = new Map<string, ReturnType<typeof runStateOf>>();
    const sqlite = rawSqliteOf(trx);
    if (sqlite) {
      const select = prepared(
        sqlite,
        "SELECT * FROM journey_runs WHERE workspace_id = ? AND run_id = ? AND status = 'active'",
      );
      for (const [workspaceId, runIds] of byWorkspace)
        for (const runId of runIds) {
          const row = select.get(workspaceId, runId) as Database['journey_runs'] | undefined; // the table's row
          if (row) runs.set(`${workspaceId}/${runId}`, runStateOf(row));
        }
      return runs;
    }
    for (const [workspaceId, runIds] of byWorkspace) {
      for (let i = 0; i < runIds.length; i += 500) {
        const rows = await trx
          .selectFrom('journey_runs')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('run_id', 'in', runIds.slice(i, i + 500))
          .where('status', '=', 'active')
          .execute();
        for (const row of rows) runs.set(`${workspaceId}/${row.run_id}`, runStateOf(row));
      }
    }
    return runs;
  }

  /** When the next timer is due (ms), or undefined when there is none. */
  private async nextDue(): Promise<number | undefined> {
    const row = await sql<{
      due: number | string | null;
    }>`SELECT min(due_at) AS due FROM journey_timers`.execute(this.store.db);
    const due = row.rows[0]?.due;
    return due === null || due === undefined ? undefined : Number(due);
  }

  private async loop(onError: (error: unknown) => void): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      let wait = this.pollMs;
      try {
        await this.sweep();
        claimed = await this.fireChunk(this.clock());
        if (claimed >= this.chunk) wait = 0;
        else {
          // Due timers left unclaimed belong to paused journeys: look again after the poll.
          const next = await this.nextDue();
          const now = this.clock();
          if (next !== undefined && next > now) wait = Math.min(this.pollMs, next - now);
        }
      } catch (error) {
        onError(error);
      }
      if (wait > 0 && !this.stopped)
        await new Promise<void>((resolve) => {
          this.sleeper = { timer: setTimeout(resolve, wait), resolve };
        });
    }
  }
}
