import type {
  ComputedTrait,
  ComputedTraitPreview,
  CreateComputedTrait,
  ErrorDetail,
  UpdateComputedTrait,
} from '@tandem/contract';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { compileWhere } from '../conditions/index.js';
import { AppError, type Result } from '../errors/index.js';
import { chunksOf, eventsOfProfilesNamed, profilesWithEventNamed } from '../identity/index.js';
import { newId } from '../ids/index.js';
import type { LogPosition } from '../log/index.js';
import { checkpointName, partitionOfWorkspace, readCheckpoint } from '../pipeline-runtime/index.js';
import {
  type Database,
  deleteProfileRowsInSlices,
  fromJson,
  nowIso,
  prepared,
  reusableQuery,
  type Store,
} from '../store/index.js';
import { computedTraitOf, definitionOf, eventCounts, type TraitDefinition } from './computed-trait-rows.js';
import { addEvent, emptyValueOf, prune, type TraitState, traitValueOf } from './trait-buckets.js';
import { foldEvents, foldTraits, type ProfiledEvent } from './trait-state-store.js';

/** A trait whose values were just recomputed from the log (created or edited), by its name now. */
export interface RecomputedTrait {
  readonly workspaceId: string;
  readonly name: string;
}

/** Computed traits: definitions (CRUD, each backfilled from the log) and their per-profile values. */
export class ComputedTraitsService {
  private readonly listeners = new Set<(trait: RecomputedTrait) => Promise<void>>();
  private readonly readers = new Set<(workspaceId: string, traitName: string) => Promise<string[]>>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
    /** The pipeline's partition count: whose segment checkpoint a workspace's backfill reads. */
    private readonly partitions = 1,
  ) {}

  /**
   * Called after a trait's recomputed values commit (audiences whose rules read it listen:
   * they import this domain, so it cannot call them); the caller's answer waits for the listeners.
   */
  onRecomputed(listener: (trait: RecomputedTrait) => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Registers what reads a trait by its name (audience rules, destination subscriptions), as
   * sentences like `audience "VIPs"`: a trait they read is neither deleted nor renamed under them.
   */
  onReaders(readers: (workspaceId: string, traitName: string) => Promise<string[]>): void {
    this.readers.add(readers);
  }

  async create(
    workspaceId: string,
    input: CreateComputedTrait,
  ): Promise<Result<ComputedTrait, ErrorDetail[]>> {
    const invalid = validate(input);
    if (invalid) return { ok: false, error: invalid };
    const now = nowIso(this.clock);
    const row = {
      workspace_id: workspaceId,
      trait_id: newId('computedTrait'),
      name: input.name,
      definition: JSON.stringify(input),
      created_at: now,
      updated_at: now,
    };
    await this.assertNameFree(workspaceId, input.name);
    await this.store.db.insertInto('computed_traits').values(row).execute();
    const trait = computedTraitOf(row);
    await this.backfill(workspaceId, definitionOf(trait));
    // An audience left reading a deleted trait of this name reads this one now.
    await this.recomputed({ workspaceId, name: trait.name });
    return { ok: true, value: trait };
  }

  /**
   * A definition's values on a sample of the profiles that performed its event most recently,
   * computed from their logged events without saving anything.
   */
  async preview(
    workspaceId: string,
    input: CreateComputedTrait,
    options: { profiles: number } = { profiles: PREVIEW_PROFILES },
  ): Promise<Result<ComputedTraitPreview, ErrorDetail[]>> {
    const invalid = validate(input);
    if (invalid) return { ok: false, error: invalid };
    const { db } = this.store;
    const definition = definitionOf({ ...input, id: 'preview', createdAt: '', updatedAt: '' });
    const profileIds = await profilesWithEventNamed(db, workspaceId, {
      event: input.event,
      limit: options.profiles,
    });
    const eventsByProfile = await eventsOfProfilesNamed(db, workspaceId, { profileIds, event: input.event });
    const now = this.clock();
    const sample = profileIds.map((profileId) => {
      const state: TraitState = {};
      for (const event of eventsByProfile.get(profileId) ?? []) {
        const properties = propertiesOf(event.payload);
        if (!eventCounts(definition, properties, now)) continue;
        const value = definition.property === undefined ? undefined : properties[definition.property];
        addEvent(state, definition, { timestamp: event.timestamp, seq: event.seq, value }, now);
      }
      prune(state, definition, now);
      return { profileId, value: traitValueOf(state, definition.kind) };
    });
    const withValue = sample.filter(({ value }) => hasValue(value)).length;
    return { ok: true, value: { profiles: sample.length, withValue, sample } };
  }

  /** A page of the workspace's computed traits, oldest first (ids are time-ordered). */
  async list(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.store.db
      .selectFrom('computed_traits')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('trait_id')
      .limit(page.limit + 1);
    if (page.cursor !== undefined) query = query.where('trait_id', '>', page.cursor);
    const rows = await query.execute();
    const data = rows.slice(0, page.limit).map(computedTraitOf);
    return { data, nextCursor: rows.length > page.limit ? (data.at(-1)?.id ?? null) : null };
  }

  async get(
    workspaceId: string,
    traitId: string,
    db: Kysely<Database> = this.store.db,
  ): Promise<ComputedTrait> {
    const row = await db
      .selectFrom('computed_traits')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('trait_id', '=', traitId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Computed trait ${traitId} not found`);
    return computedTraitOf(row);
  }

  async update(
    workspaceId: string,
    traitId: string,
    patch: UpdateComputedTrait,
  ): Promise<Result<ComputedTrait, ErrorDetail[]>> {
    const { id: _, createdAt, updatedAt: __, ...current } = await this.get(workspaceId, traitId);
    const input = { ...current, ...patch };
    const invalid = validate(input);
    if (invalid) return { ok: false, error: invalid };
    if (input.name !== current.name) {
      await this.assertUnread(workspaceId, current.name, 'renamed');
      await this.assertNameFree(workspaceId, input.name);
    }
    const updatedAt = nowIso(this.clock);
    await this.store.db
      .updateTable('computed_traits')
      .set({ name: input.name, definition: JSON.stringify(input), updated_at: updatedAt })
      .where('workspace_id', '=', workspaceId)
      .where('trait_id', '=', traitId)
      .execute();
    const trait = { ...input, id: traitId, createdAt, updatedAt };
    await this.backfill(workspaceId, definitionOf(trait));
    // New values may change who meets the audiences that read the trait.
    await this.recomputed({ workspaceId, name: trait.name });
    return { ok: true, value: trait };
  }

  async delete(workspaceId: string, traitId: string): Promise<void> {
    const trait = await this.get(workspaceId, traitId);
    await this.assertUnread(workspaceId, trait.name, 'deleted');
    // The definition goes first (the segment stage stops computing it), then its values a slice
    // at a time: one per profile, a million in one statement would hold the write lock for seconds.
    await this.store.db
      .deleteFrom('computed_traits')
      .where('workspace_id', '=', workspaceId)
      .where('trait_id', '=', traitId)
      .execute();
    await deleteProfileRowsInSlices(this.store, {
      table: 'computed_trait_values',
      column: 'trait_id',
      workspaceId,
      id: traitId,
    });
  }

  /**
   * Definitions of a workspace, for the pipeline stage and rule validation; in a transaction,
   * read once (a batch asks for them in several stages of its work).
   */
  async definitions(workspaceId: string, db: Kysely<Database> = this.store.db): Promise<TraitDefinition[]> {
    if (!db.isTransaction) return this.readDefinitions(workspaceId, db);
    let ofTransaction = definitionsOfTransaction.get(db);
    if (!ofTransaction) {
      ofTransaction = new Map();
      definitionsOfTransaction.set(db, ofTransaction);
    }
    let definitions = ofTransaction.get(workspaceId);
    if (!definitions) {
      definitions = this.readDefinitions(workspaceId, db);
      ofTransaction.set(workspaceId, definitions);
    }
    return definitions;
  }

  private async readDefinitions(workspaceId: string, db: Kysely<Database>): Promise<TraitDefinition[]> {
    const rows = await db
      .selectFrom('computed_traits')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .execute();
    return rows.map((row) => definitionOf(computedTraitOf(row)));
  }

  /** Values of a profile by trait name (every trait, with its empty value when no event counted). */
  async valuesOf(workspaceId: string, profileId: string): Promise<Record<string, unknown>> {
    const [definitions, rows] = await Promise.all([
      this.definitions(workspaceId),
      this.store.db
        .selectFrom('computed_trait_values')
        .select(['trait_id', 'value'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId)
        .execute(),
    ]);
    const stored = new Map(rows.map((row) => [row.trait_id, fromJson<unknown>(row.value)]));
    return Object.fromEntries(
      definitions.map((d) => [d.name, stored.has(d.id) ? stored.get(d.id) : emptyValueOf(d.kind)]),
    );
  }

  /** Folds processed events into every matching trait; returns the profiles whose values changed. */
  async apply(
    db: Kysely<Database>,
    workspaceId: string,
    events: readonly ProfiledEvent[],
  ): Promise<Set<string>> {
    const now = this.clock();
    const folds = (await this.definitions(workspaceId, db)).map((definition) => ({
      definition,
      events: events.filter(
        (e) => e.event === definition.event && eventCounts(definition, e.properties, now),
      ),
    }));
    // Every trait's states in one read and one write.
    return foldTraits(db, workspaceId, { folds, now });
  }

  /**
   * Recomputes every trait of these profiles from their events up to `upTo` (a merge: the
   * survivor's states must count the merged profile's events too).
   */
  async refold(
    db: Kysely<Database>,
    workspaceId: string,
    profileIds: readonly string[],
    upTo: LogPosition,
  ): Promise<void> {
    if (profileIds.length === 0) return;
    const now = this.clock();
    for (const definition of await this.definitions(workspaceId, db)) {
      for (const chunk of chunksOf(profileIds)) {
        await db
          .deleteFrom('computed_trait_values')
          .where('workspace_id', '=', workspaceId)
          .where('trait_id', '=', definition.id)
          .where('profile_id', 'in', chunk)
          .execute();
        // coalesce(): keeps the planner on the per-profile index, not every event of that name.
        const counted = await countedEvents(db, workspaceId, definition, {
          where: sql`pe.profile_id in (${sql.join(chunk)}) and coalesce(pe.event, '') = ${definition.event}`,
          passed: this.passedBy(upTo),
          now,
        });
        await foldEvents(db, workspaceId, { definition, events: counted, now, fresh: true });
      }
    }
  }

  /**
   * Recomputes a trait from the log: the events the segment stage has already passed (later
   * ones reach the trait through the stage), in one transaction with the stage's checkpoint
   * (of the workspace's partition).
   */
  private async backfill(workspaceId: string, definition: TraitDefinition): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const checkpoint = checkpointName(SEGMENT_STAGE, partitionOfWorkspace(workspaceId, this.partitions));
      const upTo = await readCheckpoint(trx, checkpoint, { forUpdate: this.store.kind === 'postgres' });
      await trx
        .deleteFrom('computed_trait_values')
        .where('workspace_id', '=', workspaceId)
        .where('trait_id', '=', definition.id)
        .execute();
      const now = this.clock();
      const counted = await countedEvents(trx, workspaceId, definition, {
        where: sql`pe.event = ${definition.event}`,
        passed: this.passedBy(upTo),
        now,
      });
      await foldEvents(trx, workspaceId, { definition, events: counted, now, fresh: true });
    });
  }

  /**
   * SQL: whether the event `pe` / `e` is at or before a stage's position. PostgreSQL orders the
   * log by (txid, seq): by seq alone, an event of a transaction that committed late (not passed
   * yet, so folded again later) could be counted now.
   */
  private passedBy(upTo: LogPosition): RawBuilder<unknown> {
    return this.store.kind === 'postgres'
      ? sql`(e.txid, e.seq) <= (${upTo.txid}, ${upTo.seq})`
      : sql`pe.seq <= ${upTo.seq}`;
  }

  private async recomputed(trait: RecomputedTrait): Promise<void> {
    for (const listener of this.listeners) await listener(trait);
  }

  private async assertNameFree(workspaceId: string, name: string): Promise<void> {
    const taken = await this.store.db
      .selectFrom('computed_traits')
      .select('trait_id')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (taken) throw new AppError('conflict', `A computed trait is already named "${name}"`);
  }

  /** Throws `conflict` naming what reads the trait: their rules would stop matching. */
  private async assertUnread(
    workspaceId: string,
    name: string,
    change: 'deleted' | 'renamed',
  ): Promise<void> {
    const readers: string[] = [];
    for (const readersOf of this.readers) readers.push(...(await readersOf(workspaceId, name)));
    if (readers.length === 0) return;
    throw new AppError(
      'conflict',
      `The computed trait "${name}" cannot be ${change}: ${readers.join(', ')} read${readers.length === 1 ? 's' : ''} it. Change ${readers.length === 1 ? 'it' : 'them'} first.`,
      { details: [{ path: 'name', message: `read by ${readers.join(', ')}` }] },
    );
  }
}

/** Per transaction, the definitions read in it, by workspace (a transaction's objects are its own). */
const definitionsOfTransaction = new WeakMap<Kysely<Database>, Map<string, Promise<TraitDefinition[]>>>();

/** The logged events a trait counts (`where` picks them in `profile_events pe`), up to `passed`. */
async function countedEvents(
  db: Kysely<Database>,
  workspaceId: string,
  definition: TraitDefinition,
  options: { where: RawBuilder<unknown>; passed: RawBuilder<unknown>; now: number },
): Promise<ProfiledEvent[]> {
  const { rows } = await sql<{ profile_id: string; seq: number; timestamp: string; payload: unknown }>`
    select pe.profile_id, pe.seq, pe.timestamp, e.payload from profile_events pe
    join events e on e.seq = pe.seq and e.workspace_id = pe.workspace_id
    where pe.workspace_id = ${workspaceId} and ${options.where} and ${options.passed}`.execute(db);
  return rows
    .map((row) => ({
      profileId: row.profile_id,
      seq: Number(row.seq),
      event: definition.event,
      timestamp: row.timestamp,
      properties: propertiesOf(fromJson<Record<string, unknown>>(row.payload)),
    }))
    .filter((e) => eventCounts(definition, e.properties, options.now));
}

/** Profiles a preview computes the trait for. */
const PREVIEW_PROFILES = 25;

/** Whether a preview counts the value as one (not empty, not a zero counter, not an empty list). */
function hasValue(value: unknown): boolean {
  if (value === null || value === undefined || value === 0) return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** The checkpoint of the stage that feeds computed traits and audiences. */
export const SEGMENT_STAGE = 'segment';

function validate(input: CreateComputedTrait): ErrorDetail[] | undefined {
  const issues: ErrorDetail[] = [];
  if (input.kind !== 'count' && input.property === undefined) {
    issues.push({ path: 'property', message: `a ${input.kind} trait needs the property it aggregates` });
  }
  const where = compileWhere(input.where ?? [], 'where');
  if (!where.ok) issues.push(...where.error);
  return issues.length > 0 ? issues : undefined;
}

export function propertiesOf(payload: Record<string, unknown>): Record<string, unknown> {
  const properties = payload.properties;
  // Parsed JSON: a non-array object is a record.
  return typeof properties === 'object' && properties !== null && !Array.isArray(properties)
    ? (properties as Record<string, unknown>)
    : {};
}

const computedValuesOfProfile = reusableQuery<
  [workspaceId: string, profileId: string, traitIds: readonly string[]],
  { trait_id: string; value: string }
>((db, workspaceId, profileId, traitIds) =>
  db
    .selectFrom('computed_trait_values')
    .select(['trait_id', 'value'])
    .where('workspace_id', '=', workspaceId)
    // One array parameter (PostgreSQL only): the same compiled query whatever the count.
    .where(sql<boolean>`trait_id = any(${traitIds})`)
    .where('profile_id', '=', profileId),
);

/**
 * A profile's stored values (JSON text) of some computed traits: a primary-key read per trait,
 * so the cost follows the traits asked for, not how many the workspace defines.
 */
export async function storedComputedValuesOf(
  store: Store,
  workspaceId: string,
  profileId: string,
  traitIds: readonly string[],
): Promise<{ trait_id: string; value: string }[]> {
  if (traitIds.length === 0) return [];
  if (store.sqlite) {
    return prepared(
      store.sqlite,
      `SELECT trait_id, value FROM computed_trait_values
        WHERE workspace_id = ? AND trait_id IN (${traitIds.map(() => '?').join(', ')}) AND profile_id = ?`,
    ).all(workspaceId, ...traitIds, profileId) as { trait_id: string; value: string }[];
  }
  return computedValuesOfProfile(store.db, workspaceId, profileId, traitIds);
}
