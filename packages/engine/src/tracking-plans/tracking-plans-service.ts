import {
  type PlannedEvent,
  TRACKING_PLAN_FORMAT,
  type TrackingPlan,
  type TrackingPlanDocument,
  type TrackingPlanDraft,
  type TrackingPlanInput,
  type TrackingPlanMode,
  VIOLATION_EVENT_NAME,
  type Violation,
} from '@tandem/contract';
import type { CollectInput } from '../collect/index.js';
import { AppError } from '../errors/index.js';
import type { EventLog } from '../log/index.js';
import type { SourceRef } from '../sources/index.js';
import { fromJson, nowIso, type Store, toJson } from '../store/index.js';
import { CompiledPlan } from './compiled-plan.js';
import { draftPlanFrom } from './plan-draft.js';
import { type PlanRules, PlanScreens } from './plan-screens.js';
import { type ForwardedViolation, TrackingPlanAdmission } from './tracking-plan-admission.js';
import { ViolationCounter } from './violation-counter.js';

/** Latest calls of a source a draft is drawn from. */
const DRAFT_CALLS = 2000;
const DRAFT_PAGE = 1000;

export interface TrackingPlansOptions {
  readonly log: EventLog;
  /** Appends calls to a source (the collector): forwarded violations go through it. */
  readonly collect: (input: CollectInput) => Promise<unknown>;
  /** How often plans are re-read on PostgreSQL (other processes may change them). Default 3 s. */
  readonly refreshMs?: number | undefined;
  /** Hands a source's changed plan (null: removed) to the collector's preparation threads. */
  readonly shareRules?: ((sourceId: string, rules: PlanRules | null) => void) | undefined;
  /** How often violation counts are written. Default 1 s. */
  readonly flushMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
}

type PlanRow = {
  workspace_id: string;
  source_id: string;
  mode: string;
  forward_violations: number;
  events: string;
  identify: string | null;
  version: number;
  updated_at: string;
};

/**
 * Tracking plans per source: kept in the store, compiled into memory for the ingest path (loaded
 * at open, replaced on change, re-read every few seconds on PostgreSQL), with their violations.
 */
export class TrackingPlansService {
  /** Enforcement on the ingest path: register it with `collector.useAdmission`. */
  readonly admission: TrackingPlanAdmission;
  /** Every source's compiled plan; on the event loop, it screens the calls of small bodies. */
  readonly screens = new PlanScreens();
  private readonly violations: ViolationCounter;
  private readonly clock: () => number;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: Store,
    private readonly options: TrackingPlansOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.violations = new ViolationCounter(store);
    this.admission = new TrackingPlanAdmission({
      planOf: (source) => this.planOf(source),
      counter: this.violations,
      forward: (source, violations) => this.forward(source, violations),
    });
  }

  /** Loads every source's plan and starts the background flush (and refresh on PostgreSQL). */
  async start(): Promise<void> {
    await this.refresh();
    const flush = setInterval(
      () => void this.violations.flush().catch(() => {}),
      this.options.flushMs ?? 1000,
    );
    this.timers.push(flush);
    if (this.store.kind === 'postgres') {
      this.timers.push(
        setInterval(() => void this.refresh().catch(() => {}), this.options.refreshMs ?? 3000),
      );
    }
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.violations.flush().catch(() => {});
  }

  /**
   * Re-reads which plans exist and compiles those whose version changed. Every workspace at once:
   * the admission answers from memory for any source that sends.
   */
  async refresh(): Promise<void> {
    const versions = await this.store.db
      .selectFrom('tracking_plans')
      .select(['workspace_id', 'source_id', 'version'])
      .execute();
    const present = new Set<string>();
    const held = this.screens.versions();
    for (const { workspace_id, source_id, version } of versions) {
      present.add(source_id);
      if (held.get(source_id) === Number(version)) continue;
      const row = await this.row(workspace_id, source_id);
      if (row) this.remember(row);
    }
    for (const sourceId of held.keys()) if (!present.has(sourceId)) this.forget(sourceId);
  }

  async get(workspaceId: string, sourceId: string): Promise<TrackingPlan> {
    const row = await this.row(workspaceId, sourceId);
    if (!row) throw new AppError('not_found', `Source ${sourceId} has no tracking plan`);
    return planOf(row);
  }

  /** Creates or replaces a source's plan; an invalid JSON Schema is refused naming its field. */
  async put(
    workspaceId: string,
    sourceId: string,
    plan: TrackingPlanInput,
    updatedBy: string | null = null,
  ): Promise<TrackingPlan> {
    const current = await this.row(workspaceId, sourceId);
    const version = (current?.version ?? 0) + 1;
    CompiledPlan.compile(plan, version);
    const row: PlanRow & { updated_by: string | null } = {
      workspace_id: workspaceId,
      source_id: sourceId,
      mode: plan.mode,
      forward_violations: plan.forwardViolations ? 1 : 0,
      events: toJson(plan.events),
      identify: plan.identify ? toJson(plan.identify) : null,
      version,
      updated_by: updatedBy,
      updated_at: nowIso(this.clock),
    };
    const { workspace_id, source_id, ...changes } = row;
    await this.store.db
      .insertInto('tracking_plans')
      .values(row)
      .onConflict((conflict) => conflict.columns(['workspace_id', 'source_id']).doUpdateSet(changes))
      .execute();
    this.remember(row);
    return planOf(row);
  }

  async remove(workspaceId: string, sourceId: string): Promise<void> {
    const deleted = await this.store.db
      .deleteFrom('tracking_plans')
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n)
      throw new AppError('not_found', `Source ${sourceId} has no tracking plan`);
    this.forget(sourceId);
    await this.violations.clear(workspaceId, sourceId);
  }

  /** The plan as a document importable into any source. */
  async export(workspaceId: string, sourceId: string): Promise<TrackingPlanDocument> {
    const { mode, forwardViolations, events, identify } = await this.get(workspaceId, sourceId);
    return { format: TRACKING_PLAN_FORMAT, mode, forwardViolations, events, identify };
  }

  /** Replaces the source's plan by an exported document. */
  import(
    workspaceId: string,
    sourceId: string,
    document: TrackingPlanDocument,
    updatedBy: string | null = null,
  ) {
    const { format: _format, ...plan } = document;
    return this.put(workspaceId, sourceId, plan, updatedBy);
  }

  /** A plan drawn from the source's latest calls (not saved). */
  async draft(workspaceId: string, sourceId: string): Promise<TrackingPlanDraft> {
    const calls = [];
    let beforeSeq: number | undefined;
    while (calls.length < DRAFT_CALLS) {
      const page = await this.options.log.recentEvents(workspaceId, sourceId, DRAFT_PAGE, beforeSeq);
      calls.push(...page);
      if (page.length < DRAFT_PAGE) break;
      beforeSeq = page.at(-1)?.seq;
    }
    return { plan: draftPlanFrom(calls), callsSampled: calls.length };
  }

  violationsOf(workspaceId: string, sourceId: string): Promise<Violation[]> {
    return this.violations.list(workspaceId, sourceId);
  }

  /** Writes the violation counts gathered so far (tests, shutdown). */
  flushViolations(): Promise<void> {
    return this.violations.flush();
  }

  private planOf(source: SourceRef): CompiledPlan | undefined {
    return this.screens.planOf(source);
  }

  /** Compiles the plan here and hands it to the preparation threads. */
  private remember(row: PlanRow): void {
    const { mode, forwardViolations, events, identify, version } = planOf(row);
    const rules: PlanRules = {
      workspaceId: row.workspace_id,
      version,
      plan: { mode, forwardViolations, events, identify },
    };
    this.screens.setRules(row.source_id, rules);
    this.options.shareRules?.(row.source_id, rules);
  }

  private forget(sourceId: string): void {
    this.screens.setRules(sourceId, null);
    this.options.shareRules?.(sourceId, null);
  }

  private row(workspaceId: string, sourceId: string): Promise<PlanRow | undefined> {
    return this.store.db
      .selectFrom('tracking_plans')
      .select([
        'workspace_id',
        'source_id',
        'mode',
        'forward_violations',
        'events',
        'identify',
        'version',
        'updated_at',
      ])
      .where('workspace_id', '=', workspaceId)
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
  }

  /** Logs each violation as a "Violation Generated" track call of the same person on the source. */
  private forward(source: SourceRef, violations: readonly ForwardedViolation[]): void {
    const calls = violations.map(({ call, callType, violation }) => ({
      type: 'track',
      event: VIOLATION_EVENT_NAME,
      userId: call.userId ?? undefined,
      anonymousId: call.anonymousId ?? undefined,
      properties: {
        violationType: violation.type,
        violationField: violation.property,
        violationDescription: violation.message,
        eventName: call.event,
        eventType: callType,
        messageId: call.messageId,
      },
    }));
    // After the request's own commit; a full log drops them (counts are kept anyway).
    setImmediate(() => void this.options.collect({ source, calls, request: {} }).catch(() => {}));
  }
}

function planOf(row: PlanRow): TrackingPlan {
  return {
    sourceId: row.source_id,
    mode: row.mode as TrackingPlanMode, // written from TrackingPlanMode only
    forwardViolations: Boolean(row.forward_violations),
    events: fromJson<PlannedEvent[]>(row.events),
    identify: row.identify === null ? null : fromJson<{ schema: Record<string, unknown> }>(row.identify),
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}
