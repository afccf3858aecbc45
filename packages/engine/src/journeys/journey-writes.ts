import type { Kysely } from 'kysely';
import type { CrmEvent } from '../crm/index.js';
import type { DirectDelivery } from '../destinations/index.js';
import type { QueuedEmail } from '../email/index.js';
import { chunksOf } from '../identity/index.js';
import { type Database, prepared, rawSqliteOf } from '../store/index.js';
import type { TraitUpdate } from './trait-updates.js';

/** Appends to the list kept under a key (made on first use). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A run as the runner moves it (a row of journey_runs). */
export interface RunState {
  readonly workspaceId: string;
  readonly runId: string;
  readonly journeyId: string;
  version: number;
  profileId: string;
  stepId: string | null;
  status: 'active' | 'completed' | 'exited' | 'converted';
  holdout: boolean;
  waitingFor: string | null;
  readonly trigger: string | null;
  pathLength: number;
  readonly enteredAt: string;
  endedAt: string | null;
}

/** A run that left its journey before the end, and why (the withdrawn emails' reason). */
export interface RunLeft {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly runId: string;
  readonly reason: string;
}

export interface TimerRow {
  readonly workspaceId: string;
  readonly runId: string;
  readonly journeyId: string;
  readonly stepId: string;
  readonly kind: 'delay' | 'timeout';
  readonly dueAt: number;
}

/**
 * What one transaction of the runner writes, gathered so it goes out in multi-row statements:
 * runs (upserted), timers set and cleared, path rows, effects, events, emails, deliveries.
 */
export class JourneyWrites {
  readonly runs = new Map<string, RunState>();
  readonly timers = new Map<string, TimerRow>();
  /** Runs whose timer goes (by workspace). */
  readonly clearedTimers = new Map<string, Set<string>>();
  readonly steps: Database['journey_run_steps'][] = [];
  readonly effects: Database['journey_effects'][] = [];
  readonly events: CrmEvent[] = [];
  readonly traitUpdates: TraitUpdate[] = [];
  readonly emails: QueuedEmail[] = [];
  readonly deliveries: DirectDelivery[] = [];
  /** Runs that exited or converted: their emails not sent yet are withdrawn. */
  readonly left: RunLeft[] = [];
  /** Runs that moved, per journey step they reached or left (for listeners). */
  moved = 0;

  touch(run: RunState): void {
    this.runs.set(`${run.workspaceId}/${run.runId}`, run);
  }

  setTimer(timer: TimerRow): void {
    this.clearedTimers.get(timer.workspaceId)?.delete(timer.runId);
    this.timers.set(`${timer.workspaceId}/${timer.runId}`, timer);
  }

  clearTimer(workspaceId: string, runId: string): void {
    this.timers.delete(`${workspaceId}/${runId}`);
    const set = this.clearedTimers.get(workspaceId) ?? new Set<string>();
    this.clearedTimers.set(workspaceId, set);
    set.add(runId);
  }

  /** Runs, timers and path rows (the runner's own tables); events and the rest are the caller's. */
  async flushTables(db: Kysely<Database>): Promise<void> {
    // Embedded SQLite: prepared statements row by row, far cheaper than compiling large inserts.
    const sqlite = rawSqliteOf(db);
    if (sqlite) {
      this.flushSqlite(sqlite);
      return;
    }
    for (const [workspaceId, runIds] of this.clearedTimers) {
      for (const chunk of chunksOf([...runIds], 500)) {
        if (chunk.length === 0) continue;
        await db
          .deleteFrom('journey_timers')
          .where('workspace_id', '=', workspaceId)
          .where('run_id', 'in', chunk)
          .execute();
      }
    }
    const runs = [...this.runs.values()].map((r) => ({
      workspace_id: r.workspaceId,
      run_id: r.runId,
      journey_id: r.journeyId,
      version: r.version,
      profile_id: r.profileId,
      step_id: r.stepId,
      status: r.status,
      holdout: r.holdout ? 1 : 0,
      waiting_for: r.waitingFor,
      trigger: r.trigger,
      path_length: r.pathLength,
      entered_at: r.enteredAt,
      ended_at: r.endedAt,
    }));
    for (const chunk of chunksOf(runs, 500)) {
      await db
        .insertInto('journey_runs')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'run_id']).doUpdateSet((eb) => ({
            version: eb.ref('excluded.version'),
            profile_id: eb.ref('excluded.profile_id'),
            step_id: eb.ref('excluded.step_id'),
            status: eb.ref('excluded.status'),
            waiting_for: eb.ref('excluded.waiting_for'),
            path_length: eb.ref('excluded.path_length'),
            ended_at: eb.ref('excluded.ended_at'),
          })),
        )
        .execute();
    }
    const timers = [...this.timers.values()].map((t) => ({
      workspace_id: t.workspaceId,
      run_id: t.runId,
      journey_id: t.journeyId,
      step_id: t.stepId,
      kind: t.kind,
      due_at: t.dueAt,
    }));
    for (const chunk of chunksOf(timers, 500)) {
      await db
        .insertInto('journey_timers')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'run_id']).doUpdateSet((eb) => ({
            step_id: eb.ref('excluded.step_id'),
            kind: eb.ref('excluded.kind'),
            due_at: eb.ref('excluded.due_at'),
          })),
        )
        .execute();
    }
    for (const chunk of chunksOf(this.steps, 500)) {
      await db
        .insertInto('journey_run_steps')
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    for (const chunk of chunksOf(this.effects, 200)) {
      await db
        .insertInto('journey_effects')
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  private flushSqlite(sqlite: NonNullable<ReturnType<typeof rawSqliteOf>>): void {
    const clear = prepared(sqlite, 'DELETE FROM journey_timers WHERE workspace_id = ? AND run_id = ?');
    for (const [workspaceId, runIds] of this.clearedTimers)
      for (const runId of runIds) clear.run(workspaceId, runId);
    const upsertRun = prepared(
      sqlite,
      `INSERT INTO journey_runs (workspace_id, run_id, journey_id, version, profile_id, step_id, status, holdout,
         waiting_for, "trigger", path_length, entered_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, run_id) DO UPDATE SET version = excluded.version, profile_id = excluded.profile_id,
         step_id = excluded.step_id, status = excluded.status, waiting_for = excluded.waiting_for,
         path_length = excluded.path_length, ended_at = excluded.ended_at`,
    );
    for (const r of this.runs.values())
      upsertRun.run(
        r.workspaceId,
        r.runId,
        r.journeyId,
        r.version,
        r.profileId,
        r.stepId,
        r.status,
        r.holdout ? 1 : 0,
        r.waitingFor,
        r.trigger,
        r.pathLength,
        r.enteredAt,
        r.endedAt,
      );
    const upsertTimer = prepared(
      sqlite,
      `INSERT INTO journey_timers (workspace_id, run_id, journey_id, step_id, kind, due_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, run_id) DO UPDATE SET step_id = excluded.step_id, kind = excluded.kind, due_at = excluded.due_at`,
    );
    for (const t of this.timers.values())
      upsertTimer.run(t.workspaceId, t.runId, t.journeyId, t.stepId, t.kind, t.dueAt);
    const insertStep = prepared(
      sqlite,
      `INSERT INTO journey_run_steps (workspace_id, run_id, seq, journey_id, profile_id, step_id, kind, outcome, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    for (const s of this.steps)
      insertStep.run(
        s.workspace_id,
        s.run_id,
        s.seq,
        s.journey_id,
        s.profile_id,
        s.step_id,
        s.kind,
        s.outcome,
        s.at,
      );
    const insertEffect = prepared(
      sqlite,
      `INSERT INTO journey_effects (workspace_id, run_id, step_id, profile_id, kind, payload, status, result, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    for (const e of this.effects)
      insertEffect.run(
        e.workspace_id,
        e.run_id,
        e.step_id,
        e.profile_id,
        e.kind,
        e.payload,
        e.status,
        e.result,
        e.created_at,
      );
  }
}
