import {
  type CreateJourneySchema,
  type Journey,
  type JourneyDefinition,
  JourneyDefinitionSchema,
  type JourneyListItem,
  type JourneyReport,
  type JourneyRun,
  type JourneyRunsQuery,
  type JourneyValidation,
  type JourneyVersion,
  type ProfileJourneyRun,
  type UpdateJourneySchema,
} from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import type { z } from 'zod';
import { referencedAudiences, referencedComputedTraits } from '../audiences/index.js';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import {
  type Database,
  keysetPage,
  keysetPositionOf,
  nowIso,
  type Store,
  writeTransaction,
} from '../store/index.js';
import { type EmailCountsOf, journeyReport } from './journey-report.js';
import { definitionOf, idCursorOf, idOfCursor, journeyOf, runOf } from './journey-rows.js';
import type { JourneyRunner } from './journey-runner.js';
import { type JourneyReferences, validateJourney } from './journey-validation.js';

export interface JourneysServiceDeps {
  readonly store: Store;
  readonly runner: JourneyRunner;
  /** What the workspace's steps may name (audiences, destinations, templates, lists). */
  readonly referencesOf: (workspaceId: string, db: Kysely<Database>) => Promise<JourneyReferences>;
  readonly emailCountsOf: EmailCountsOf;
  /** The live profile an id names (a merged-away id: its survivor), or undefined for none. */
  readonly liveProfileOf: (workspaceId: string, profileId: string) => Promise<string | null | undefined>;
  readonly clock: () => number;
  /** Called after a publish, pause or resume: the stage and the timer worker look again. */
  readonly onChanged: () => void;
}

/**
 * Journeys as marketers edit them: a draft, published as immutable versions (people in flight
 * stay on theirs or migrate), paused, resumed, archived; their runs and report.
 */
export class JourneysService {
  constructor(private readonly deps: JourneysServiceDeps) {}

  private get db() {
    return this.deps.store.db;
  }

  async list(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('status', '!=', 'archived')
      .orderBy('journey_id', 'desc')
      .limit(page.limit + 1);
    if (page.cursor) query = query.where('journey_id', '<', idOfCursor(page.cursor));
    const rows = await query.execute();
    const shown = rows.slice(0, page.limit);
    const ids = shown.map((r) => r.journey_id);
    const counts = new Map<string, { inProgress: number; entered: number }>();
    if (ids.length > 0) {
      const tallies = await this.db
        .selectFrom('journey_runs')
        .select((eb) => [
          'journey_id',
          eb.fn.countAll<number | string>().as('entered'),
          eb.fn.sum<number | string>(sql`CASE WHEN status = 'active' THEN 1 ELSE 0 END`).as('active'),
        ])
        .where('workspace_id', '=', workspaceId)
        .where('journey_id', 'in', ids)
        .groupBy('journey_id')
        .execute();
      for (const t of tallies)
        counts.set(t.journey_id, { entered: Number(t.entered), inProgress: Number(t.active ?? 0) });
    }
    const live = await this.liveTexts(workspaceId, shown);
    const data: JourneyListItem[] = shown.map((row) => ({
      ...journeyOf(row, live.get(row.journey_id)),
      counts: counts.get(row.journey_id) ?? { inProgress: 0, entered: 0 },
    }));
    const last = shown.at(-1);
    return { data, nextCursor: rows.length > page.limit && last ? idCursorOf(last.journey_id) : null };
  }

  async create(workspaceId: string, input: z.input<typeof CreateJourneySchema>): Promise<Journey> {
    const definition = JourneyDefinitionSchema.parse(input);
    const now = nowIso(this.deps.clock);
    const journeyId = newId('journey');
    await this.db
      .insertInto('journeys')
      .values({
        workspace_id: workspaceId,
        journey_id: journeyId,
        name: definition.name,
        status: 'draft',
        draft: JSON.stringify(definition),
        version: 0,
        entry_kind: null,
        entry_event: null,
        created_at: now,
        updated_at: now,
        published_at: null,
        swept_at: null,
      })
      .execute();
    return this.get(workspaceId, journeyId);
  }

  async get(workspaceId: string, journeyId: string, db: Kysely<Database> = this.db): Promise<Journey> {
    const row = await this.row(db, workspaceId, journeyId);
    return journeyOf(row, (await this.liveTexts(workspaceId, [row], db)).get(journeyId));
  }

  /** Edits the draft (the live version runs on until the next publish). */
  async update(
    workspaceId: string,
    journeyId: string,
    patch: z.input<typeof UpdateJourneySchema>,
  ): Promise<Journey> {
    const row = await this.row(this.db, workspaceId, journeyId);
    if (row.status === 'archived') throw new AppError('conflict', 'an archived journey cannot be edited');
    const draft = JourneyDefinitionSchema.parse({ ...definitionOf(row.draft), ...stripUndefined(patch) });
    await this.db
      .updateTable('journeys')
      .set({ draft: JSON.stringify(draft), name: draft.name, updated_at: nowIso(this.deps.clock) })
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .execute();
    return this.get(workspaceId, journeyId);
  }

  async validate(workspaceId: string, definition: JourneyDefinition): Promise<JourneyValidation> {
    return validateJourney(definition, await this.deps.referencesOf(workspaceId, this.db));
  }

  /**
   * Publishes the draft as the next version (422 naming each problem's step and field when it
   * cannot run). People in flight stay on their version, or with `migrate` move to the same step
   * of the new one (and exit when it is gone).
   */
  async publish(
    workspaceId: string,
    journeyId: string,
    options: { inFlight: 'stay' | 'migrate' },
  ): Promise<Journey> {
    // Validated before the transaction: references are read through other domains' services.
    const checked = await this.row(this.db, workspaceId, journeyId);
    if (checked.status === 'archived')
      throw new AppError('conflict', 'an archived journey cannot be published');
    const draft = definitionOf(checked.draft);
    const validation = await validateJourney(draft, await this.deps.referencesOf(workspaceId, this.db));
    if (!validation.valid) {
      const details = validation.problems.map((p) => ({
        path: p.stepId === undefined ? p.field : `steps.${p.stepId}.${p.field}`,
        message: p.message,
      }));
      throw new AppError('unprocessable', `Invalid ${details[0]?.path}: ${details[0]?.message}`, { details });
    }
    const published = await writeTransaction(this.deps.store, async (trx) => {
      const row = await this.row(trx, workspaceId, journeyId);
      if (row.draft !== checked.draft || row.version !== checked.version)
        throw new AppError('conflict', 'the journey changed while it was being published: publish again');
      const version = row.version + 1;
      const now = nowIso(this.deps.clock);
      await trx
        .insertInto('journey_versions')
        .values({
          workspace_id: workspaceId,
          journey_id: journeyId,
          version,
          definition: row.draft,
          published_at: now,
        })
        .execute();
      await trx
        .updateTable('journeys')
        .set({
          version,
          status: row.status === 'paused' ? 'paused' : 'live',
          entry_kind: draft.entry.kind,
          entry_event: entryEventOf(draft.entry),
          published_at: now,
          updated_at: now,
          // A schedule or date-trait entry starts counting its ticks from now.
          swept_at: row.swept_at ?? now,
        })
        .where('workspace_id', '=', workspaceId)
        .where('journey_id', '=', journeyId)
        .execute();
      if (options.inFlight === 'migrate' && row.version > 0)
        return this.deps.runner.migrateRuns(trx, { workspaceId, journeyId, version, definition: draft });
      return () => {};
    });
    published();
    this.deps.onChanged();
    return this.get(workspaceId, journeyId);
  }

  /** No one enters, no one moves on, until resumed (timers due meanwhile fire on resume). */
  async pause(workspaceId: string, journeyId: string): Promise<Journey> {
    return this.setStatus(workspaceId, journeyId, 'paused', ['live']);
  }

  async resume(workspaceId: string, journeyId: string): Promise<Journey> {
    return this.setStatus(workspaceId, journeyId, 'live', ['paused']);
  }

  /** Archives the journey: everyone in it exits. */
  async archive(workspaceId: string, journeyId: string): Promise<Journey> {
    const exited = await writeTransaction(this.deps.store, async (trx) => {
      await this.row(trx, workspaceId, journeyId);
      await trx
        .updateTable('journeys')
        .set({ status: 'archived', updated_at: nowIso(this.deps.clock) })
        .where('workspace_id', '=', workspaceId)
        .where('journey_id', '=', journeyId)
        .execute();
      return this.deps.runner.exitAll(trx, { workspaceId, journeyId, reason: 'archived' });
    });
    exited();
    this.deps.onChanged();
    return this.get(workspaceId, journeyId);
  }

  /** Published versions, newest first; the cursor is the last version shown. */
  async versions(
    workspaceId: string,
    journeyId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ data: JourneyVersion[]; nextCursor: string | null }> {
    await this.row(this.db, workspaceId, journeyId);
    let query = this.db
      .selectFrom('journey_versions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .orderBy('version', 'desc')
      .limit(page.limit + 1);
    if (page.cursor) query = query.where('version', '<', versionOfCursor(page.cursor));
    const { rows, nextCursor } = keysetPage(await query.execute(), page.limit, (row) => ({
      key: row.version,
      id: journeyId,
    }));
    const data = rows.map((r) => ({
      version: r.version,
      publishedAt: r.published_at,
      definition: definitionOf(r.definition),
    }));
    return { data, nextCursor };
  }

  async report(workspaceId: string, journeyId: string): Promise<JourneyReport> {
    const row = await this.row(this.db, workspaceId, journeyId);
    const live = (await this.liveTexts(workspaceId, [row])).get(journeyId);
    const definition = definitionOf(live ?? row.draft);
    return journeyReport(this.db, {
      workspaceId,
      journeyId,
      definition,
      emailCountsOf: this.deps.emailCountsOf,
    });
  }

  /** People in the journey (all versions), oldest run first. */
  async runs(workspaceId: string, journeyId: string, query: JourneyRunsQuery) {
    await this.row(this.db, workspaceId, journeyId);
    let select = this.db
      .selectFrom('journey_runs as r')
      .leftJoin('journey_timers as t', (join) =>
        join.onRef('t.workspace_id', '=', 'r.workspace_id').onRef('t.run_id', '=', 'r.run_id'),
      )
      .selectAll('r')
      .select('t.due_at')
      .where('r.workspace_id', '=', workspaceId)
      .where('r.journey_id', '=', journeyId)
      .orderBy('r.run_id')
      .limit(query.limit + 1);
    if (query.stepId) select = select.where('r.step_id', '=', query.stepId);
    if (query.status) select = select.where('r.status', '=', query.status);
    if (query.cursor) select = select.where('r.run_id', '>', idOfCursor(query.cursor));
    const rows = await select.execute();
    const shown = rows.slice(0, query.limit);
    const data: JourneyRun[] = shown.map((r) => runOf(r, r.due_at));
    const last = shown.at(-1);
    return { data, nextCursor: rows.length > query.limit && last ? idCursorOf(last.run_id) : null };
  }

  /** A person's runs, newest first (run ids are time-ordered), each with the steps they went through. */
  async profileRuns(
    workspaceId: string,
    requestedId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ data: ProfileJourneyRun[]; nextCursor: string | null }> {
    const profileId = await this.deps.liveProfileOf(workspaceId, requestedId);
    if (!profileId) throw new AppError('not_found', `no profile ${requestedId}`);
    let query = this.db
      .selectFrom('journey_runs as r')
      .innerJoin('journeys as j', (join) =>
        join.onRef('j.workspace_id', '=', 'r.workspace_id').onRef('j.journey_id', '=', 'r.journey_id'),
      )
      .leftJoin('journey_timers as t', (join) =>
        join.onRef('t.workspace_id', '=', 'r.workspace_id').onRef('t.run_id', '=', 'r.run_id'),
      )
      .selectAll('r')
      .select(['j.name', 't.due_at'])
      .where('r.workspace_id', '=', workspaceId)
      .where('r.profile_id', '=', profileId)
      .orderBy('r.run_id', 'desc')
      .limit(page.limit + 1);
    if (page.cursor) query = query.where('r.run_id', '<', idOfCursor(page.cursor));
    const rows = await query.execute();
    const runs = rows.slice(0, page.limit);
    const last = runs.at(-1);
    const nextCursor = rows.length > page.limit && last ? idCursorOf(last.run_id) : null;
    if (runs.length === 0) return { data: [], nextCursor };
    const steps = await this.db
      .selectFrom('journey_run_steps')
      .select(['run_id', 'step_id', 'kind', 'at', 'outcome'])
      .where('workspace_id', '=', workspaceId)
      .where(
        'run_id',
        'in',
        runs.map((r) => r.run_id),
      )
      .orderBy('run_id')
      .orderBy('seq')
      .execute();
    const paths = new Map<string, ProfileJourneyRun['path']>();
    for (const s of steps) {
      const path = paths.get(s.run_id) ?? [];
      paths.set(s.run_id, path);
      path.push({ stepId: s.step_id, kind: s.kind, at: s.at, outcome: s.outcome });
    }
    const data = runs.map((r) => ({
      ...runOf(r, r.due_at),
      journeyId: r.journey_id,
      journeyName: r.name,
      path: paths.get(r.run_id) ?? [],
    }));
    return { data, nextCursor };
  }

  private async setStatus(
    workspaceId: string,
    journeyId: string,
    status: 'live' | 'paused',
    from: readonly string[],
  ): Promise<Journey> {
    const row = await this.row(this.db, workspaceId, journeyId);
    if (!from.includes(row.status))
      throw new AppError(
        'conflict',
        `a ${row.status} journey cannot be ${status === 'live' ? 'resumed' : 'paused'}`,
      );
    await this.db
      .updateTable('journeys')
      .set({ status, updated_at: nowIso(this.deps.clock) })
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .execute();
    this.deps.onChanged();
    return this.get(workspaceId, journeyId);
  }

  private async row(db: Kysely<Database>, workspaceId: string, journeyId: string) {
    const row = await db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('journey_id', '=', journeyId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `no journey ${journeyId}`);
    return row;
  }

  /** The journeys (archived ones aside) whose draft or live version reads this audience, as `journey "name"`. */
  readersOfAudience(workspaceId: string, audienceId: string): Promise<string[]> {
    return this.readersWhere(workspaceId, (definition) => readsAudience(definition, audienceId));
  }

  /** The journeys (archived ones aside) whose draft or live version sends this email template. */
  readersOfTemplate(workspaceId: string, templateId: string): Promise<string[]> {
    return this.readersWhere(workspaceId, (definition) =>
      definition.steps.some((step) => step.kind === 'send_email' && step.templateId === templateId),
    );
  }

  /** The journeys (archived ones aside) whose draft or live version splits on this computed trait. */
  readersOfComputedTrait(workspaceId: string, name: string): Promise<string[]> {
    return this.readersWhere(workspaceId, (definition) =>
      definition.steps.some(
        (step) => step.kind === 'split' && referencedComputedTraits(step.condition).includes(name),
      ),
    );
  }

  /** The journeys (archived ones aside) whose draft or live version sets this CRM field on people. */
  readersOfCrmField(workspaceId: string, key: string): Promise<string[]> {
    return this.readersWhere(workspaceId, (definition) =>
      definition.steps.some((step) => step.kind === 'update_crm_field' && step.field === key),
    );
  }

  /** The journeys (archived ones aside) whose draft or live version adds to or removes from this list. */
  readersOfList(workspaceId: string, listId: string): Promise<string[]> {
    return this.readersWhere(workspaceId, (definition) =>
      definition.steps.some((step) => step.kind === 'list' && step.listId === listId),
    );
  }

  /** The journeys (archived ones aside) whose draft or live version sends webhooks through this destination. */
  readersOfDestination(workspaceId: string, destinationId: string): Promise<string[]> {
    return this.readersWhere(workspaceId, (definition) =>
      definition.steps.some((step) => step.kind === 'send_webhook' && step.destinationId === destinationId),
    );
  }

  /** The journeys (archived ones aside) whose draft or live version `reads`, as `journey "name"`. */
  private async readersWhere(
    workspaceId: string,
    reads: (definition: JourneyDefinition) => boolean,
  ): Promise<string[]> {
    const rows = await this.db
      .selectFrom('journeys')
      .select(['journey_id', 'name', 'version', 'draft'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '!=', 'archived')
      .orderBy('name')
      .execute();
    const live = await this.liveTexts(workspaceId, rows);
    return rows
      .filter((row) =>
        [row.draft, live.get(row.journey_id)].some((text) => text !== undefined && reads(definitionOf(text))),
      )
      .map((row) => `journey "${row.name}"`);
  }

  /** The live version's definition text of each journey that has one. */
  private async liveTexts(
    workspaceId: string,
    rows: readonly { journey_id: string; version: number }[],
    db: Kysely<Database> = this.db,
  ): Promise<Map<string, string>> {
    const published = rows.filter((r) => r.version > 0);
    if (published.length === 0) return new Map();
    const versions = await db
      .selectFrom('journey_versions')
      .select(['journey_id', 'version', 'definition'])
      .where('workspace_id', '=', workspaceId)
      .where(
        'journey_id',
        'in',
        published.map((r) => r.journey_id),
      )
      .execute();
    const wanted = new Map(published.map((r) => [r.journey_id, r.version]));
    return new Map(
      versions.filter((v) => wanted.get(v.journey_id) === v.version).map((v) => [v.journey_id, v.definition]),
    );
  }
}

/** Whether a definition's entry or one of its steps names the audience. */
function readsAudience(definition: JourneyDefinition, audienceId: string): boolean {
  const { entry } = definition;
  if ('audienceId' in entry && entry.audienceId === audienceId) return true;
  return definition.steps.some(
    (step) =>
      (step.kind === 'wait_for_audience' && step.audienceId === audienceId) ||
      (step.kind === 'split' && referencedAudiences(step.condition).includes(audienceId)),
  );
}

/** The log event an entry listens to (the stage's index), or null for swept entries. */
export function entryEventOf(entry: JourneyDefinition['entry']): string | null {
  switch (entry.kind) {
    case 'event':
    case 'crm_change':
      return entry.event;
    case 'audience_entered':
      return 'Audience Entered';
    case 'audience_exited':
      return 'Audience Exited';
    case 'date_trait':
    case 'schedule':
      return null;
    default: {
      const unknown: never = entry;
      throw new Error(`unknown entry ${JSON.stringify(unknown)}`);
    }
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>; // same keys, minus absent ones
}

/** The version a versions cursor stopped at; `bad_request` for a cursor of another list. */
function versionOfCursor(cursor: string): number {
  const { key } = keysetPositionOf(cursor);
  if (typeof key !== 'number')
    throw new AppError('bad_request', 'cursor is not one this sorted list returned');
  return key;
}
