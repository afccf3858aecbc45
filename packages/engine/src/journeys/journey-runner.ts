import type { JourneyDefinition, JourneyStep } from '@tandem/contract';
import type { Kysely } from 'kysely';
import {
  compileRule,
  eventReadsOf,
  loadProfileFacts,
  type RuleNode,
  type RuleScope,
  ruleHolds,
} from '../audiences/index.js';
import type { CrmEvents } from '../crm/index.js';
import { queueDirectDelivery } from '../destinations/index.js';
import { type EmailQueue, withdrawQueuedOfRuns } from '../email/index.js';
import type { IdentityService } from '../identity/index.js';
import { newId } from '../ids/index.js';
import { storedTraitsOf } from '../profiles/index.js';
import type { Database, Store } from '../store/index.js';
import { stepsById } from './journey-graph.js';
import { definitionOf } from './journey-rows.js';
import { dateOfTrait, journeyMs, nextTimeOfDay, unitHash, weightedBranch } from './journey-timing.js';
import { JourneyWrites, type RunState } from './journey-writes.js';
import type { StaticLists } from './static-lists.js';
import { appendTraitUpdates } from './trait-updates.js';

/** A published version, parsed once (versions never change). */
export interface LoadedVersion {
  readonly journeyId: string;
  readonly name: string;
  readonly version: number;
  readonly definition: JourneyDefinition;
  readonly steps: ReadonlyMap<string, JourneyStep>;
}

export interface JourneyRunnerDeps {
  readonly store: Store;
  readonly crmEvents: CrmEvents;
  readonly identity: IdentityService;
  /** The email domain's queue; without one, a send_email step is recorded `no_email_queue` and passed. */
  readonly emailQueue: () => EmailQueue | undefined;
  readonly staticLists: () => StaticLists;
  readonly ruleScope: (workspaceId: string, db: Kysely<Database>) => Promise<RuleScope>;
  readonly clock: () => number;
  /** Time zone of people without a `timezone` trait. */
  readonly defaultTimeZone: string;
  /** After a commit that appended events, queued deliveries or effects. */
  readonly afterCommit: (done: {
    events: boolean;
    deliveries: { workspaceId: string; destinationId: string }[];
    effects: boolean;
  }) => void;
}

/** Steps a run may pass in one go before the runner stops it (validation refuses instant cycles). */
const MAX_INSTANT_STEPS = 500;

/**
 * Moves runs through a journey version: enters people, passes instantaneous steps at once,
 * parks a run at a delay or a wait (with its timer), ends it. Everything a move writes (runs,
 * timers, path rows, events, emails, deliveries, effects) goes through one `JourneyWrites`
 * committed by the caller's transaction.
 */
export class JourneyRunner {
  private readonly versions = new Map<string, LoadedVersion>();
  private readonly rules = new Map<string, RuleNode | null>();

  constructor(private readonly deps: JourneyRunnerDeps) {}

  async version(
    db: Kysely<Database>,
    workspaceId: string,
    journeyId: string,
    version: number,
  ): Promise<LoadedVersion> {
    const key = `${workspaceId}/${journeyId}/${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const row = await db
      .selectFrom('journey_versions as v')
      .innerJoin('journeys as j', (join) =>
        join.onRef('j.workspace_id', '=', 'v.workspace_id').onRef('j.journey_id', '=', 'v.journey_id'),
      )
      .select(['v.definition', 'j.name'])
      .where('v.workspace_id', '=', workspaceId)
      .where('v.journey_id', '=', journeyId)
      .where('v.version', '=', version)
      .executeTakeFirstOrThrow();
    const definition = definitionOf(row.definition);
    const loaded = { journeyId, name: row.name, version, definition, steps: stepsById(definition) };
    if (this.versions.size > 10_000) this.versions.clear();
    this.versions.set(key, loaded);
    return loaded;
  }

  /** A person enters: a new run (held out, or at the first step and on as far as it goes). */
  async enter(
    db: Kysely<Database>,
    writes: JourneyWrites,
    entry: {
      workspaceId: string;
      journey: LoadedVersion;
      profileId: string;
      trigger: Record<string, unknown> | null;
    },
  ): Promise<RunState> {
    const now = this.deps.clock();
    const at = new Date(now).toISOString();
    const runId = newId('journeyRun');
    const settings = entry.journey.definition.settings;
    const holdoutPercent = settings?.holdoutPercent ?? 0;
    const holdout = holdoutPercent > 0 && unitHash(runId, 'holdout') * 100 < holdoutPercent;
    const run: RunState = {
      workspaceId: entry.workspaceId,
      runId,
      journeyId: entry.journey.journeyId,
      version: entry.journey.version,
      profileId: entry.profileId,
      stepId: null,
      status: 'active',
      holdout,
      waitingFor: null,
      trigger: entry.trigger ? JSON.stringify(entry.trigger) : null,
      pathLength: 0,
      enteredAt: at,
      endedAt: null,
    };
    writes.touch(run);
    this.event(writes, run, 'Journey Entered', 'entered', { holdout });
    if (holdout) {
      this.end(writes, run, 'exited', 'holdout');
      return run;
    }
    await this.walk(db, writes, run, entry.journey, entry.journey.definition.steps[0]?.id ?? null);
    return run;
  }

  /** The run's waiting step is done (`passed` a delay, `matched` or `timeout` a wait): on to the next. */
  async resume(
    db: Kysely<Database>,
    writes: JourneyWrites,
    run: RunState,
    journey: LoadedVersion,
    outcome: 'passed' | 'matched' | 'timeout',
  ): Promise<void> {
    const step = run.stepId === null ? undefined : journey.steps.get(run.stepId);
    if (!step) {
      this.end(writes, run, 'exited', 'step_removed');
      return;
    }
    this.path(writes, run, step, outcome);
    if (outcome !== 'timeout') writes.clearTimer(run.workspaceId, run.runId);
    run.waitingFor = null;
    const next =
      step.kind === 'wait_for_event' || step.kind === 'wait_for_audience'
        ? outcome === 'matched'
          ? step.next.matched
          : step.next.timeout
        : step.kind === 'delay'
          ? step.next
          : null;
    await this.walk(db, writes, run, journey, next ?? null);
  }

  /** Ends a run (its timer goes): `completed` at the end, `exited`, or `converted` on the goal. */
  end(
    writes: JourneyWrites,
    run: RunState,
    status: 'completed' | 'exited' | 'converted',
    reason: string,
  ): void {
    const wasActive = run.status === 'active';
    run.status = status;
    run.waitingFor = null;
    run.endedAt = new Date(this.deps.clock()).toISOString();
    writes.touch(run);
    if (wasActive) writes.clearTimer(run.workspaceId, run.runId);
    // Converted or exited, the person is done with it: an email still waiting (under a frequency
    // cap) would arrive after the purchase it was meant to bring. A completed run's last email goes.
    if (status !== 'completed')
      writes.left.push({
        workspaceId: run.workspaceId,
        profileId: run.profileId,
        runId: run.runId,
        reason:
          status === 'converted'
            ? 'the person reached the journey’s goal'
            : `the person left the journey (${reason})`,
      });
    const event =
      status === 'completed'
        ? 'Journey Completed'
        : status === 'converted'
          ? 'Journey Goal Reached'
          : 'Journey Exited';
    this.event(writes, run, event, status, { reason });
  }

  /** Commits what `writes` gathered, in the caller's transaction; answers what to do once committed. */
  async commit(db: Kysely<Database>, writes: JourneyWrites): Promise<() => void> {
    await writes.flushTables(db);
    if (writes.traitUpdates.length > 0)
      await appendTraitUpdates(
        db,
        { crmEvents: this.deps.crmEvents, identity: this.deps.identity },
        writes.traitUpdates,
      );
    if (writes.events.length > 0) await this.deps.crmEvents.appendWithin(db, writes.events);
    const queue = this.deps.emailQueue();
    if (writes.emails.length > 0 && queue) await queue.enqueue(db, writes.emails);
    if (writes.left.length > 0) await withdrawQueuedOfRuns(db, writes.left);
    const deliveries = await queueDirectDelivery(db, writes.deliveries, this.deps.clock);
    const done = {
      events: writes.events.length > 0 || writes.traitUpdates.length > 0,
      deliveries,
      effects: writes.effects.length > 0,
    };
    return () => {
      if (done.events || done.deliveries.length > 0 || done.effects) this.deps.afterCommit(done);
    };
  }

  /** Everyone in the journey exits (archive), in chunks of the caller's transaction. */
  async exitAll(
    db: Kysely<Database>,
    target: { workspaceId: string; journeyId: string; reason: string },
  ): Promise<() => void> {
    const afters: (() => void)[] = [];
    for (;;) {
      const rows = await db
        .selectFrom('journey_runs')
        .selectAll()
        .where('workspace_id', '=', target.workspaceId)
        .where('journey_id', '=', target.journeyId)
        .where('status', '=', 'active')
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      const writes = new JourneyWrites();
      for (const row of rows) this.end(writes, runStateOf(row), 'exited', target.reason);
      afters.push(await this.commit(db, writes));
    }
    return () => {
      for (const after of afters) after();
    };
  }

  /**
   * People in flight move to the new version at the step of the same id; those whose step is
   * gone, or is now of another kind, exit. A wait they are at listens for what the new version's
   * step names.
   */
  async migrateRuns(
    db: Kysely<Database>,
    target: { workspaceId: string; journeyId: string; version: number; definition: JourneyDefinition },
  ): Promise<() => void> {
    const { workspaceId, journeyId, definition } = target;
    const ids = definition.steps.map((s) => s.id);
    const gone = await db
      .selectFrom('journey_runs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('step_id', 'is', null), eb('step_id', 'not in', ids)]))
      .execute();
    const writes = new JourneyWrites();
    for (const row of gone) this.end(writes, runStateOf(row), 'exited', 'step_removed');
    // A step of the same id but another kind (a delay now a wait, or an email) would resume
    // with the old step's timer and skip the new one: those people exit too.
    const kindNow = new Map(definition.steps.map((s) => [s.id, s.kind]));
    const versions = await db
      .selectFrom('journey_versions')
      .select(['version', 'definition'])
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .where(
        'version',
        'in',
        db
          .selectFrom('journey_runs')
          .select('version')
          .where('workspace_id', '=', workspaceId)
          .where('journey_id', '=', journeyId)
          .where('status', '=', 'active'),
      )
      .execute();
    for (const { version, definition: text } of versions) {
      const changed = definitionOf(text)
        .steps.filter((s) => kindNow.has(s.id) && kindNow.get(s.id) !== s.kind)
        .map((s) => s.id);
      if (changed.length === 0) continue;
      const rows = await db
        .selectFrom('journey_runs')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('journey_id', '=', journeyId)
        .where('status', '=', 'active')
        .where('version', '=', version)
        .where('step_id', 'in', changed)
        .execute();
      for (const row of rows) this.end(writes, runStateOf(row), 'exited', 'step_changed');
    }
    const after = await this.commit(db, writes);
    await db
      .updateTable('journey_runs')
      .set({ version: target.version })
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .where('status', '=', 'active')
      .execute();
    for (const step of definition.steps) {
      if (step.kind !== 'wait_for_event' && step.kind !== 'wait_for_audience') continue;
      const waitingFor =
        step.kind === 'wait_for_event'
          ? step.event
          : step.change === 'exited'
            ? 'Audience Exited'
            : 'Audience Entered';
      await db
        .updateTable('journey_runs')
        .set({ waiting_for: waitingFor })
        .where('workspace_id', '=', workspaceId)
        .where('journey_id', '=', journeyId)
        .where('status', '=', 'active')
        .where('step_id', '=', step.id)
        .execute();
    }
    return after;
  }

  /** Passes instantaneous steps from `stepId` until a wait, a delay or the end. */
  private async walk(
    db: Kysely<Database>,
    writes: JourneyWrites,
    run: RunState,
    journey: LoadedVersion,
    from: string | null,
  ): Promise<void> {
    let stepId = from;
    writes.touch(run);
    for (let passed = 0; passed < MAX_INSTANT_STEPS; passed += 1) {
      if (run.status !== 'active') return;
      if (stepId === null) {
        run.stepId = run.stepId ?? null;
        this.end(writes, run, 'completed', 'end');
        return;
      }
      const step = journey.steps.get(stepId);
      if (!step) {
        this.end(writes, run, 'exited', 'step_removed');
        return;
      }
      run.stepId = step.id;
      const next = await this.act(db, writes, run, journey, step);
      if (next === WAIT) return;
      stepId = next;
    }
    this.end(writes, run, 'exited', 'too_many_steps');
  }

  /** Does one step: answers the next step id (null: the end), or WAIT when the run parks here. */
  private async act(
    db: Kysely<Database>,
    writes: JourneyWrites,
    run: RunState,
    journey: LoadedVersion,
    step: JourneyStep,
  ): Promise<string | null | typeof WAIT> {
    const now = this.deps.clock();
    const at = new Date(now).toISOString();
    const { workspaceId, profileId } = run;
    switch (step.kind) {
      case 'delay': {
        const dueAt = await this.delayDue(db, run, step, now);
        // A date already past (or none): the delay is over at once.
        if (dueAt <= now) {
          this.path(writes, run, step, 'passed');
          return step.next ?? null;
        }
        writes.setTimer({
          workspaceId,
          runId: run.runId,
          journeyId: run.journeyId,
          stepId: step.id,
          kind: 'delay',
          dueAt,
        });
        return WAIT;
      }
      case 'wait_for_event':
      case 'wait_for_audience': {
        run.waitingFor =
          step.kind === 'wait_for_event'
            ? step.event
            : step.change === 'exited'
              ? 'Audience Exited'
              : 'Audience Entered';
        const dueAt = now + journeyMs(step.timeout);
        writes.setTimer({
          workspaceId,
          runId: run.runId,
          journeyId: run.journeyId,
          stepId: step.id,
          kind: 'timeout',
          dueAt,
        });
        return WAIT;
      }
      case 'split': {
        const holds = await this.splitHolds(db, run, journey, step);
        this.path(writes, run, step, holds ? 'yes' : 'no');
        return (holds ? step.next.yes : step.next.no) ?? null;
      }
      case 'random_split': {
        const branch = weightedBranch(step.weights, unitHash(run.runId, step.id));
        this.path(writes, run, step, `branch_${branch}`);
        return step.next[branch] ?? null;
      }
      case 'send_email': {
        const queue = this.deps.emailQueue();
        if (queue) {
          writes.emails.push({
            workspaceId,
            profileId,
            templateId: step.templateId,
            origin: { kind: 'journey', id: run.journeyId, stepId: step.id, runId: run.runId },
            event: run.trigger ? (JSON.parse(run.trigger) as Record<string, unknown>) : undefined, // written by enter()
            overCap: journey.definition.settings?.overCap ?? 'wait',
          });
        }
        this.path(writes, run, step, queue ? 'queued' : 'no_email_queue');
        return step.next ?? null;
      }
      case 'send_webhook':
        writes.deliveries.push({
          workspaceId,
          destinationId: step.destinationId,
          profileId,
          type: 'journey.step',
          cause: `journey:${run.runId}:${step.id}:${run.pathLength}`,
          payload: {
            journey: {
              id: run.journeyId,
              name: journey.name,
              version: run.version,
              stepId: step.id,
              runId: run.runId,
            },
          },
          occurredAt: at,
        });
        this.path(writes, run, step, 'queued');
        return step.next ?? null;
      case 'update_trait':
        writes.traitUpdates.push({
          workspaceId,
          profileId,
          traits: { [step.trait]: step.value },
          messageId: `journey-${run.runId}-${step.id}-${run.pathLength}`,
          at,
        });
        this.path(writes, run, step, 'updated');
        return step.next ?? null;
      case 'update_crm_field':
      case 'create_task':
      case 'create_ticket':
        writes.effects.push({
          workspace_id: workspaceId,
          run_id: run.runId,
          step_id: step.id,
          profile_id: profileId,
          kind: step.kind,
          payload: JSON.stringify(step),
          status: 'pending',
          result: null,
          created_at: at,
        });
        this.path(writes, run, step, 'queued');
        return step.next ?? null;
      case 'list': {
        const lists = this.deps.staticLists();
        try {
          if (step.action === 'add') await lists.add(db, workspaceId, step.listId, [profileId]);
          else await lists.remove(db, workspaceId, step.listId, [profileId]);
          this.path(writes, run, step, step.action === 'add' ? 'added' : 'removed');
        } catch {
          this.path(writes, run, step, 'failed');
        }
        return step.next ?? null;
      }
      case 'exit':
        this.path(writes, run, step, 'exit');
        this.end(writes, run, 'exited', 'exit_step');
        return WAIT;
      default: {
        const unknown: never = step;
        throw new Error(`unknown step ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async delayDue(
    db: Kysely<Database>,
    run: RunState,
    step: Extract<JourneyStep, { kind: 'delay' }>,
    now: number,
  ): Promise<number> {
    if (step.duration !== undefined) return now + journeyMs(step.duration);
    const names = step.untilTrait !== undefined ? [step.untilTrait] : ['timezone'];
    const traits = await storedTraitsOf({ ...this.deps.store, db }, run.workspaceId, run.profileId, names);
    const traitValue = (name: string) => {
      const stored = traits.find((t) => t.name === name);
      return stored ? (JSON.parse(stored.value) as unknown) : undefined;
    };
    if (step.untilTimeOfDay !== undefined) {
      const zone = traitValue('timezone');
      return nextTimeOfDay(
        now,
        step.untilTimeOfDay,
        typeof zone === 'string' ? zone : this.deps.defaultTimeZone,
      );
    }
    const date = step.untilTrait !== undefined ? dateOfTrait(traitValue(step.untilTrait)) : undefined;
    // Without the date, or once it has passed, the delay is over at once.
    if (date === undefined) return now;
    return Math.max(now, date + (step.offset ? journeyMs(step.offset) : 0));
  }

  /** A split's condition against the person now (traits, computed traits, events, audiences). */
  private async splitHolds(
    db: Kysely<Database>,
    run: RunState,
    journey: LoadedVersion,
    step: Extract<JourneyStep, { kind: 'split' }>,
  ): Promise<boolean> {
    const key = `${run.workspaceId}/${journey.journeyId}/${journey.version}/${step.id}`;
    let node = this.rules.get(key);
    if (node === undefined) {
      const compiled = compileRule(step.condition, await this.deps.ruleScope(run.workspaceId, db));
      node = compiled.ok ? compiled.value : null;
      this.rules.set(key, node);
    }
    if (node === null) return false;
    const facts = await loadProfileFacts(db, run.workspaceId, [run.profileId], eventReadsOf([node]));
    const ofProfile = facts.get(run.profileId);
    return ofProfile ? ruleHolds(node, ofProfile, this.deps.clock()) : false;
  }

  private path(writes: JourneyWrites, run: RunState, step: JourneyStep, outcome: string): void {
    writes.steps.push({
      workspace_id: run.workspaceId,
      run_id: run.runId,
      seq: run.pathLength,
      journey_id: run.journeyId,
      profile_id: run.profileId,
      step_id: step.id,
      kind: step.kind,
      outcome,
      at: new Date(this.deps.clock()).toISOString(),
    });
    run.pathLength += 1;
  }

  private event(
    writes: JourneyWrites,
    run: RunState,
    event: string,
    suffix: string,
    properties: Record<string, unknown>,
  ): void {
    writes.events.push({
      workspaceId: run.workspaceId,
      profileId: run.profileId,
      event,
      properties: {
        journeyId: run.journeyId,
        version: run.version,
        runId: run.runId,
        stepId: run.stepId,
        ...properties,
      },
      actorId: null,
      at: new Date(this.deps.clock()).toISOString(),
      messageId: `journey-${run.runId}-${suffix}`,
    });
  }
}

/** A step where the run parks (or ended). */
const WAIT = Symbol('wait');

/** A stored run row as the runner moves it. */
export function runStateOf(row: Database['journey_runs']): RunState {
  return {
    workspaceId: row.workspace_id,
    runId: row.run_id,
    journeyId: row.journey_id,
    version: row.version,
    profileId: row.profile_id,
    stepId: row.step_id,
    status: row.status as RunState['status'], // written by the runner only
    holdout: row.holdout === 1,
    waitingFor: row.waiting_for,
    trigger: row.trigger,
    pathLength: row.path_length,
    enteredAt: row.entered_at,
    endedAt: row.ended_at,
  };
}

export { JourneyWrites };
