import type {
  Audience,
  AudienceMember,
  AudiencePreview,
  AudienceRule,
  CreateAudience,
  ErrorDetail,
  UpdateAudience,
} from '@tandem/contract';
import type { Kysely, RawBuilder } from 'kysely';
import { type ComputedTraitsService, emptyValueOf, type TraitDefinition } from '../computed-traits/index.js';
import { purposeKeysOf } from '../consent/index.js';
import { AppError, type Result } from '../errors/index.js';
import { newId } from '../ids/index.js';
import {
  type Database,
  deleteProfileRowsInSlices,
  nowIso,
  prepared,
  reusableQuery,
  type Store,
  writeTransaction,
} from '../store/index.js';
import { type CompiledAudience, evaluateProfiles, withRequiredConsent } from './audience-evaluation.js';
import type { AudienceEvents } from './audience-events.js';
import { audienceOf } from './audience-rows.js';
import {
  audiencesReadingAudience,
  audiencesReadingComputedTrait,
  compileRule,
  type RuleScope,
  referencedAudiences,
  referencedComputedTraits,
} from './compiled-rule.js';
import { evaluateInFull, type FullEvaluationReport, lockSegment } from './full-evaluation.js';
import { previewRule, profilesMeeting } from './rule-query.js';
import { sweepWindowEdges, timeLeavesOf } from './window-sweep.js';

/** Audiences: definitions, preview, members; creating or editing one evaluates everyone. */
export class AudiencesService {
  private readonly readers = new Set<(workspaceId: string, audienceId: string) => Promise<string[]>>();
  private delegate: ((workspaceId: string, audienceId: string) => Promise<boolean>) | undefined;

  constructor(
    private readonly store: Store,
    private readonly deps: {
      computedTraits: ComputedTraitsService;
      events: AudienceEvents;
      clock: () => number;
      /** The pipeline's partition count (PostgreSQL), for the segment checkpoint edits lock. */
      partitions?: number | undefined;
      /** Largest chunk a full evaluation applies in one transaction (see full-evaluation.ts). */
      maxChunk?: number | undefined;
    },
  ) {}

  async create(workspaceId: string, input: CreateAudience): Promise<Result<Audience, ErrorDetail[]>> {
    const audienceId = newId('audience');
    const compiled = await this.compile(workspaceId, input.rule, audienceId);
    if (!compiled.ok) return compiled;
    const requiredPurpose = input.requiredPurpose ?? null;
    const purposeProblem = await this.purposeProblem(workspaceId, requiredPurpose);
    if (purposeProblem) return purposeProblem;
    const now = nowIso(this.deps.clock);
    const row = {
      workspace_id: workspaceId,
      audience_id: audienceId,
      name: input.name,
      rule: JSON.stringify(input.rule),
      required_purpose: requiredPurpose,
      created_at: now,
      updated_at: now,
    };
    const audience = { id: audienceId, name: input.name, rule: compiled.value, requiredPurpose };
    await this.storeRule(workspaceId, audience, (trx) => trx.insertInto('audiences').values(row).execute());
    await this.evaluate(workspaceId, audience, { rule: row.rule, updatedAt: now });
    return { ok: true, value: audienceOf(row) };
  }

  /** A page of the workspace's audiences, oldest first (ids are time-ordered). */
  async list(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.store.db
      .selectFrom('audiences')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('audience_id')
      .limit(page.limit + 1);
    if (page.cursor !== undefined) query = query.where('audience_id', '>', page.cursor);
    const rows = await query.execute();
    const data = rows.slice(0, page.limit).map(audienceOf);
    return { data, nextCursor: rows.length > page.limit ? (data.at(-1)?.id ?? null) : null };
  }

  /** These audiences with their current member counts (one grouped read by the members' key). */
  async withMemberCounts(workspaceId: string, audiences: readonly Audience[]): Promise<Audience[]> {
    if (audiences.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('audience_members')
      .select(['audience_id', (eb) => eb.fn.countAll<number | string>().as('members')])
      .where('workspace_id', '=', workspaceId)
      .where(
        'audience_id',
        'in',
        audiences.map((a) => a.id),
      )
      .where('exited_at', 'is', null)
      .groupBy('audience_id')
      .execute();
    const counts = new Map(rows.map((row) => [row.audience_id, Number(row.members)]));
    return audiences.map((audience) => ({ ...audience, memberCount: counts.get(audience.id) ?? 0 }));
  }

  async get(workspaceId: string, audienceId: string): Promise<Audience> {
    const row = await this.store.db
      .selectFrom('audiences')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('audience_id', '=', audienceId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Audience ${audienceId} not found`);
    return audienceOf(row);
  }

  async update(
    workspaceId: string,
    audienceId: string,
    patch: UpdateAudience,
  ): Promise<Result<Audience, ErrorDetail[]>> {
    const current = await this.get(workspaceId, audienceId);
    const next = { ...current, ...patch, updatedAt: nowIso(this.deps.clock) };
    const compiled = await this.compile(workspaceId, next.rule, audienceId);
    if (!compiled.ok) return compiled;
    const requiredPurpose = next.requiredPurpose ?? null;
    const purposeProblem = await this.purposeProblem(workspaceId, requiredPurpose);
    if (purposeProblem) return purposeProblem;
    const audience = { id: audienceId, name: next.name, rule: compiled.value, requiredPurpose };
    const rule = JSON.stringify(next.rule);
    await this.storeRule(workspaceId, audience, (trx) =>
      trx
        .updateTable('audiences')
        .set({ name: next.name, rule, required_purpose: requiredPurpose, updated_at: next.updatedAt })
        .where('workspace_id', '=', workspaceId)
        .where('audience_id', '=', audienceId)
        .execute(),
    );
    await this.evaluate(workspaceId, audience, { rule, updatedAt: next.updatedAt });
    // Audiences whose rules read this one may gain or lose members with it.
    const audiences = await this.all(workspaceId);
    await this.evaluateInOrder(workspaceId, audiences, audiencesReadingAudience(audiences, audienceId));
    return { ok: true, value: { ...next, requiredPurpose } };
  }

  async delete(workspaceId: string, audienceId: string): Promise<void> {
    const audience = await this.get(workspaceId, audienceId);
    // Rules reading it would stop compiling, their members frozen; destinations, journeys and
    // broadcasts naming it would stop without a word: they change first.
    const readers = (await this.all(workspaceId))
      .filter((a) => referencedAudiences(a.rule).includes(audienceId))
      .map((a) => `audience "${a.name}"`);
    for (const readersOf of this.readers) readers.push(...(await readersOf(workspaceId, audienceId)));
    if (readers.length > 0) {
      throw new AppError(
        'conflict',
        `The audience "${audience.name}" cannot be deleted: ${readers.join(', ')} read${readers.length === 1 ? 's' : ''} it. Change ${readers.length === 1 ? 'it' : 'them'} first.`,
      );
    }
    // The audience goes first (the segment stage stops evaluating it), then its members a slice at
    // a time: a million of them in one statement would hold the write lock for seconds.
    await this.store.db.transaction().execute(async (trx) => {
      for (const table of ['audience_sweeps', 'audiences'] as const) {
        await trx
          .deleteFrom(table)
          .where('workspace_id', '=', workspaceId)
          .where('audience_id', '=', audienceId)
          .execute();
      }
    });
    await deleteProfileRowsInSlices(this.store, {
      table: 'audience_members',
      column: 'audience_id',
      workspaceId,
      id: audienceId,
    });
  }

  async members(
    workspaceId: string,
    audienceId: string,
    page: { limit: number; cursor?: string | undefined },
  ) {
    await this.get(workspaceId, audienceId);
    let query = this.store.db
      .selectFrom('audience_members')
      .select(['profile_id', 'entered_at'])
      .where('workspace_id', '=', workspaceId)
      .where('audience_id', '=', audienceId)
      .where('exited_at', 'is', null)
      .orderBy('profile_id')
      .limit(page.limit + 1);
    if (page.cursor !== undefined) query = query.where('profile_id', '>', page.cursor);
    const rows = await query.execute();
    const data: AudienceMember[] = rows
      .slice(0, page.limit)
      .map((r) => ({ profileId: r.profile_id, enteredAt: r.entered_at }));
    return { data, nextCursor: rows.length > page.limit ? (data.at(-1)?.profileId ?? null) : null };
  }

  /** Who would be members: how many, and a few of them (granting `requiredPurpose`, when given). */
  async preview(
    workspaceId: string,
    rule: AudienceRule,
    requiredPurpose: string | null = null,
  ): Promise<Result<AudiencePreview, ErrorDetail[]>> {
    const compiled = await this.compile(workspaceId, rule, undefined);
    if (!compiled.ok) return compiled;
    const purposeProblem = await this.purposeProblem(workspaceId, requiredPurpose);
    if (purposeProblem) return purposeProblem;
    const { db, kind } = this.store;
    const query = { db, kind, workspaceId, rule: compiled.value, now: this.deps.clock() };
    if (requiredPurpose === null) return { ok: true, value: await previewRule(query) };
    const members = await withRequiredConsent(query, requiredPurpose, await profilesMeeting(query));
    return { ok: true, value: { count: members.length, sample: members.sort().slice(0, 10) } };
  }

  /**
   * After consent decisions recorded outside the log (the API, the preference page): these
   * profiles' memberships of the audiences requiring a purpose, evaluated again, with their
   * Audience Entered / Exited events, like a segment batch (which waits, or is waited for).
   */
  async reevaluateConsent(workspaceId: string, profileIds: readonly string[]): Promise<void> {
    await writeTransaction(this.store, async (trx) => {
      await lockSegment(trx, { store: this.store, partitions: this.deps.partitions ?? 1 }, workspaceId);
      const requiring = (await this.compiledAudiences(workspaceId, trx)).filter(
        (audience) => audience.requiredPurpose !== null,
      );
      const scope = { db: trx, workspaceId, now: this.deps.clock() };
      await this.deps.events.appendWithin(trx, await evaluateProfiles(scope, requiring, profileIds));
    });
  }

  /** After a purpose or the default changed: every audience requiring a purpose, evaluated in full. */
  async reevaluateRequiringConsent(workspaceId: string): Promise<void> {
    for (const audience of await this.all(workspaceId)) {
      if (audience.requiredPurpose === null) continue;
      const compiled = await this.compile(workspaceId, audience.rule, audience.id);
      if (!compiled.ok) continue;
      await this.evaluate(
        workspaceId,
        {
          id: audience.id,
          name: audience.name,
          rule: compiled.value,
          requiredPurpose: audience.requiredPurpose,
        },
        { rule: JSON.stringify(audience.rule), updatedAt: audience.updatedAt },
      );
    }
  }

  /**
   * Registers what reads an audience by its id (destination subscriptions, journeys, broadcasts),
   * as sentences like `journey "Welcome"`: an audience they read is not deleted under them.
   */
  onReaders(readers: (workspaceId: string, audienceId: string) => Promise<string[]>): void {
    this.readers.add(readers);
  }

  /** The audiences whose members must grant this consent purpose, as `audience "name"`. */
  async readersOfPurpose(workspaceId: string, key: string): Promise<string[]> {
    return (await this.all(workspaceId))
      .filter((a) => a.requiredPurpose === key)
      .map((a) => `audience "${a.name}"`);
  }

  /** The audiences whose rules read this computed trait by name, as `audience "name"`. */
  async readersOfComputedTrait(workspaceId: string, traitName: string): Promise<string[]> {
    return (await this.all(workspaceId))
      .filter((a) => referencedComputedTraits(a.rule).includes(traitName))
      .map((a) => `audience "${a.name}"`);
  }

  /**
   * After a computed trait's values were recomputed (created or edited): the audiences whose rules
   * read it, directly or through another audience, evaluated in full like an edit, referenced first.
   */
  async reevaluateReadingComputedTrait(workspaceId: string, traitName: string): Promise<void> {
    const audiences = await this.all(workspaceId);
    await this.evaluateInOrder(workspaceId, audiences, audiencesReadingComputedTrait(audiences, traitName));
  }

  /** The audiences of `reading` evaluated in full like an edit, referenced ones first. */
  private async evaluateInOrder(
    workspaceId: string,
    audiences: readonly Audience[],
    reading: ReadonlySet<string>,
  ): Promise<void> {
    if (reading.size === 0) return;
    const stored = new Map(audiences.map((audience) => [audience.id, audience]));
    for (const audience of await this.compiledAudiences(workspaceId)) {
      const version = stored.get(audience.id);
      if (!version || !reading.has(audience.id)) continue;
      await this.evaluate(workspaceId, audience, {
        rule: JSON.stringify(version.rule),
        updatedAt: version.updatedAt,
      });
    }
  }

  /** Every audience of the workspace compiled, referenced audiences first. */
  async compiledAudiences(
    workspaceId: string,
    db: Kysely<Database> = this.store.db,
  ): Promise<CompiledAudience[]> {
    const audiences = await this.all(workspaceId, db);
    const scope = scopeOf(audiences, await this.deps.computedTraits.definitions(workspaceId, db), undefined);
    const compiled = new Map<string, CompiledAudience>();
    const visit = (audience: Audience, depth: number): void => {
      if (compiled.has(audience.id) || depth > audiences.length) return;
      for (const id of referencedAudiences(audience.rule)) {
        const referenced = audiences.find((a) => a.id === id);
        if (referenced) visit(referenced, depth + 1);
      }
      const rule = compileRule(audience.rule, scope);
      // A rule valid when saved can break later (its computed trait deleted): it is skipped.
      if (rule.ok)
        compiled.set(audience.id, {
          id: audience.id,
          name: audience.name,
          rule: rule.value,
          requiredPurpose: audience.requiredPurpose,
        });
    };
    for (const audience of audiences) visit(audience, 0);
    return [...compiled.values()];
  }

  private async all(workspaceId: string, db: Kysely<Database> = this.store.db): Promise<Audience[]> {
    const rows = await db
      .selectFrom('audiences')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('audience_id')
      .execute();
    return rows.map(audienceOf);
  }

  /**
   * Where full evaluations run: `delegate` runs one elsewhere (the pipeline thread) and
   * resolves true, or resolves false to have it run here.
   */
  evaluateWith(delegate: (workspaceId: string, audienceId: string) => Promise<boolean>): void {
    this.delegate = delegate;
  }

  /** Evaluates a stored audience in full, here (what a delegate runs). */
  async evaluateStored(workspaceId: string, audienceId: string): Promise<FullEvaluationReport> {
    const audience = await this.get(workspaceId, audienceId);
    const compiled = await this.compile(workspaceId, audience.rule, audienceId);
    if (!compiled.ok) throw new AppError('validation_failed', `Audience ${audienceId} no longer compiles`);
    return this.evaluateHere(
      workspaceId,
      {
        id: audienceId,
        name: audience.name,
        rule: compiled.value,
        requiredPurpose: audience.requiredPurpose,
      },
      { rule: JSON.stringify(audience.rule), updatedAt: audience.updatedAt },
    );
  }

  /**
   * The profiles of due audiences whose membership time alone may have flipped (window edges),
   * for the segment stage to re-evaluate; `inPartition` limits it to a partition's workspaces.
   */
  sweepWindowEdges(
    db: Kysely<Database>,
    options: { now: number; inPartition?: RawBuilder<boolean> | undefined },
  ) {
    return sweepWindowEdges({
      db,
      kind: this.store.kind,
      now: options.now,
      inPartition: options.inPartition,
      compiledAudiences: (workspaceId) => this.compiledAudiences(workspaceId, db),
    });
  }

  /**
   * Stores a new or edited rule, and (re)starts its window sweep at now, in a transaction that
   * first waits for the workspace's running segment batch: every later batch sees the new rule
   * (see full-evaluation.ts).
   */
  private async storeRule(
    workspaceId: string,
    audience: CompiledAudience,
    write: (trx: Kysely<Database>) => Promise<unknown>,
  ): Promise<void> {
    await writeTransaction(this.store, async (trx) => {
      await lockSegment(trx, { store: this.store, partitions: this.deps.partitions ?? 1 }, workspaceId);
      await write(trx);
      await trx
        .deleteFrom('audience_sweeps')
        .where('workspace_id', '=', workspaceId)
        .where('audience_id', '=', audience.id)
        .execute();
      if (timeLeavesOf(audience.rule).length > 0) {
        await trx
          .insertInto('audience_sweeps')
          .values({ workspace_id: workspaceId, audience_id: audience.id, swept_to: nowIso(this.deps.clock) })
          .execute();
      }
    });
  }

  private async evaluate(
    workspaceId: string,
    audience: CompiledAudience,
    version: { rule: string; updatedAt: string },
  ): Promise<void> {
    if (this.delegate && (await this.delegate(workspaceId, audience.id))) return;
    await this.evaluateHere(workspaceId, audience, version);
  }

  private evaluateHere(
    workspaceId: string,
    audience: CompiledAudience,
    version: { rule: string; updatedAt: string },
  ): Promise<FullEvaluationReport> {
    const { store } = this;
    const { events, clock } = this.deps;
    return evaluateInFull(
      { store, events, clock, partitions: this.deps.partitions ?? 1, maxChunk: this.deps.maxChunk },
      { workspaceId, audience, version },
    );
  }

  /** A required purpose must be one of the workspace's (400 naming `requiredPurpose` otherwise). */
  private async purposeProblem(
    workspaceId: string,
    requiredPurpose: string | null,
  ): Promise<{ ok: false; error: ErrorDetail[] } | undefined> {
    if (requiredPurpose === null) return undefined;
    if ((await purposeKeysOf(this.store.db, workspaceId)).includes(requiredPurpose)) return undefined;
    return {
      ok: false,
      error: [{ path: 'requiredPurpose', message: `no consent purpose "${requiredPurpose}"` }],
    };
  }

  private async compile(workspaceId: string, rule: AudienceRule, self: string | undefined) {
    // Only what the rule references is read, so a rule of traits and events (a preview, mostly)
    // compiles without a query; a rule naming no audience cannot close a cycle.
    const [audiences, traits] = await Promise.all([
      referencedAudiences(rule).length > 0 ? this.all(workspaceId) : [],
      referencedComputedTraits(rule).length > 0 ? this.deps.computedTraits.definitions(workspaceId) : [],
    ]);
    return compileRule(rule, scopeOf(audiences, traits, self));
  }
}

function scopeOf(
  audiences: readonly Audience[],
  traits: readonly TraitDefinition[],
  self: string | undefined,
): RuleScope {
  return {
    computedTraits: new Map(traits.map((t) => [t.name, { id: t.id, fallback: emptyValueOf(t.kind) }])),
    audiences: new Map(audiences.map((a) => [a.id, referencedAudiences(a.rule)])),
    self,
  };
}

/** The audiences a profile is in, for the profile body. */
export async function membershipsOf(store: Store, workspaceId: string, profileId: string) {
  const rows = await store.db
    .selectFrom('audience_members')
    .innerJoin('audiences', (join) =>
      join
        .onRef('audiences.workspace_id', '=', 'audience_members.workspace_id')
        .onRef('audiences.audience_id', '=', 'audience_members.audience_id'),
    )
    .select(['audiences.audience_id', 'audiences.name', 'audience_members.entered_at'])
    .where('audience_members.workspace_id', '=', workspaceId)
    .where('audience_members.profile_id', '=', profileId)
    .where('audience_members.exited_at', 'is', null)
    .orderBy('audiences.audience_id')
    .execute();
  return rows.map((row) => ({ id: row.audience_id, name: row.name, enteredAt: row.entered_at }));
}

const audiencesOfProfile = reusableQuery((db, workspaceId: string, profileId: string) =>
  db
    .selectFrom('audience_members')
    .select('audience_id')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .where('exited_at', 'is', null),
);

/** Ids of the audiences a profile is a member of now: one indexed read. */
export async function activeAudienceIdsOf(
  store: Store,
  workspaceId: string,
  profileId: string,
): Promise<{ audience_id: string }[]> {
  if (store.sqlite) {
    return prepared(
      store.sqlite,
      'SELECT audience_id FROM audience_members WHERE workspace_id = ? AND profile_id = ? AND exited_at IS NULL',
    ).all(workspaceId, profileId) as { audience_id: string }[];
  }
  return audiencesOfProfile(store.db, workspaceId, profileId);
}
