import type { RetentionPolicies, RetentionRemoved, RetentionRun } from '@tandem/contract';
import { newId } from '../ids/index.js';
import { WorkspaceRuns } from '../runs/index.js';
import { fromJson, nowIso, type Store } from '../store/index.js';
import { policiesOf, savePolicies, workspacesWithPolicies } from './retention-policies.js';
import { type RetentionPassDeps, runRetentionPass } from './retention-run.js';

export interface RetentionOptions {
  readonly clock?: (() => number) | undefined;
  /** Rows removed per transaction. Default 500. */
  readonly batchSize?: number | undefined;
  /** The audit log's pruning, wired by the engine. */
  readonly pruneAudit: RetentionPassDeps['pruneAudit'];
  /** Told of each finished run (the engine records it in the audit log, as the system's write). */
  readonly onFinished?: ((workspaceId: string, run: RetentionRun) => void) | undefined;
  /**
   * A scheduled pass skips a workspace whose last scheduled run started less than this ago:
   * with several server processes, each one's hourly worker finds the others' runs. Default 50 min.
   */
  readonly minScheduleGapMs?: number | undefined;
}

const NOTHING_REMOVED: RetentionRemoved = { events: {}, crmActivities: 0, closedTickets: 0, auditEntries: 0 };

/**
 * Retention: each workspace's policies (raw events by name, CRM activities, closed tickets, the
 * audit log) and runs that apply them, each reported (what was removed, how many, when).
 */
export class RetentionService {
  private readonly clock: () => number;
  private readonly batchSize: number;
  /** Runs in progress in this process, by workspace: a second "run now" joins the first. */
  private readonly inProgress = new WorkspaceRuns<RetentionRun, RetentionRun['trigger']>({
    recordStart: (workspaceId, trigger) => this.recordStart(workspaceId, trigger),
    apply: (workspaceId, started) => this.apply(workspaceId, started),
  });

  constructor(
    private readonly store: Store,
    private readonly options: RetentionOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.batchSize = options.batchSize ?? 500;
  }

  policies(workspaceId: string): Promise<RetentionPolicies> {
    return policiesOf(this.store.db, workspaceId);
  }

  async setPolicies(workspaceId: string, policies: RetentionPolicies): Promise<RetentionPolicies> {
    await this.store.db
      .transaction()
      .execute((trx) => savePolicies(trx, workspaceId, policies, nowIso(this.clock)));
    return this.policies(workspaceId);
  }

  /** The latest runs first. */
  async runs(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.store.db
      .selectFrom('retention_runs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('run_id', 'desc')
      .limit(page.limit + 1);
    if (page.cursor) query = query.where('run_id', '<', page.cursor);
    const rows = await query.execute();
    const data: RetentionRun[] = rows.slice(0, page.limit).map((row) => ({
      id: row.run_id,
      trigger: row.trigger as RetentionRun['trigger'], // written from the same union
      status: row.status as RetentionRun['status'], // written from the same union
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      removed: fromJson<RetentionRemoved>(row.removed),
      error: row.error,
    }));
    return { data, nextCursor: rows.length > page.limit ? (data.at(-1)?.id ?? null) : null };
  }

  /** Applies a workspace's policies now; resolves with the finished run's report. */
  run(workspaceId: string, trigger: RetentionRun['trigger']): Promise<RetentionRun> {
    return this.inProgress.begin(workspaceId, trigger).done;
  }

  /** Starts a run ("run now") and resolves once it is recorded as running; it goes on in the background. */
  start(workspaceId: string): Promise<RetentionRun> {
    return this.inProgress.begin(workspaceId, 'manual').started;
  }

  /** The run in progress for a workspace, once finished (tests, shutdown). */
  async whenIdle(workspaceId: string): Promise<void> {
    await this.inProgress.whenIdle(workspaceId);
  }

  /** The scheduled pass: every workspace with a policy not run on schedule lately. */
  async runAll(): Promise<RetentionRun[]> {
    const runs: RetentionRun[] = [];
    const recently = new Date(this.clock() - (this.options.minScheduleGapMs ?? 50 * 60_000)).toISOString();
    for (const workspaceId of await workspacesWithPolicies(this.store.db)) {
      const last = await this.store.db
        .selectFrom('retention_runs')
        .select('started_at')
        .where('workspace_id', '=', workspaceId)
        .where('trigger', '=', 'schedule')
        .where('started_at', '>', recently)
        .executeTakeFirst();
      if (!last) runs.push(await this.run(workspaceId, 'schedule'));
    }
    return runs;
  }

  private async recordStart(workspaceId: string, trigger: RetentionRun['trigger']): Promise<RetentionRun> {
    const started: RetentionRun = {
      id: newId('retentionRun'),
      trigger,
      status: 'running',
      startedAt: nowIso(this.clock),
      finishedAt: null,
      removed: NOTHING_REMOVED,
      error: null,
    };
    await this.store.db
      .insertInto('retention_runs')
      .values({
        workspace_id: workspaceId,
        run_id: started.id,
        trigger,
        status: started.status,
        started_at: started.startedAt,
        finished_at: null,
        removed: JSON.stringify(started.removed),
        error: null,
      })
      .execute();
    return started;
  }

  private async apply(workspaceId: string, started: RetentionRun): Promise<RetentionRun> {
    let finished: RetentionRun;
    try {
      const removed = await runRetentionPass(
        {
          store: this.store,
          workspaceId,
          now: this.clock(),
          batchSize: this.batchSize,
          pruneAudit: this.options.pruneAudit,
        },
        await this.policies(workspaceId),
      );
      finished = { ...started, status: 'done', finishedAt: nowIso(this.clock), removed };
    } catch (error) {
      finished = { ...started, status: 'failed', finishedAt: nowIso(this.clock), error: String(error) };
    }
    await this.store.db
      .updateTable('retention_runs')
      .set({
        status: finished.status,
        finished_at: finished.finishedAt,
        removed: JSON.stringify(finished.removed),
        error: finished.error,
      })
      .where('workspace_id', '=', workspaceId)
      .where('run_id', '=', started.id)
      .execute();
    this.options.onFinished?.(workspaceId, finished);
    return finished;
  }
}
