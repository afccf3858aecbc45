import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import {
  type ComputedTraitsService,
  forgetAllValues,
  forgetProfiles,
  type ProfiledEvent,
  propertiesOf,
  refreshExpired,
  SEGMENT_STAGE,
} from '../computed-traits/index.js';
import { preferencesOf } from '../consent/index.js';
import { chunksOf, mergesCausedBy, profilesOfEvents } from '../identity/index.js';
import {
  entriesByWorkspace,
  LOG_START,
  type LogEntry,
  type LogPosition,
  readLogAfter,
} from '../log/index.js';
import {
  type AfterCommit,
  adoptLayout,
  checkpointName,
  leasePartition,
  lockCheckpoint,
  type PartitionLease,
  type PipelinePartition,
  type PipelineStage,
  type ProfiledBatch,
  partitionOfWorkspace,
  type Rederivation,
  readCheckpoint,
  readLeasedWindow,
  resetCheckpoints,
  SINGLE_PARTITION,
  type StageBatch,
  saveCheckpoint,
  workspaceInPartition,
} from '../pipeline-runtime/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import { evaluateProfiles } from './audience-evaluation.js';
import type { AudienceEvents } from './audience-events.js';
import type { AudiencesService } from './audiences-service.js';
import type { MembershipChange } from './membership-changes.js';
import { eventReadsOf } from './profile-facts.js';
import { rederiveSegment } from './segment-rederive.js';

export interface SegmentStageOptions {
  readonly batchSize?: number | undefined;
  readonly clock?: (() => number) | undefined;
  /** The pipeline's partition count (PostgreSQL): partition p of this stage follows unify's p. */
  readonly partitions?: number | undefined;
  /** The stage it follows (unify): it reads only events that one has passed, partition by partition. */
  readonly feeder: string;
}

/** The events a batch takes: up to `to`, which it has `passed` (other partitions' included). */
interface SegmentRead {
  readonly entries: readonly LogEntry[];
  readonly to: LogPosition | undefined;
  readonly passed: number;
}

/**
 * The log's consumer after unify, with its own checkpoint (`segment`), run by the pipeline after
 * each unify batch: folds each event into computed traits, re-evaluates the touched profiles
 * against every audience in memory, and on each turn re-checks what time alone changes (expired
 * trait buckets, due window edges).
 */
export class SegmentStage implements PipelineStage {
  readonly name = SEGMENT_STAGE;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(changes: readonly MembershipChange[]) => void>();

  constructor(
    private readonly store: Store,
    private readonly deps: {
      computedTraits: ComputedTraitsService;
      audiences: AudiencesService;
      events: AudienceEvents;
      clock: () => number;
    },
    private readonly options: SegmentStageOptions,
  ) {}

  /** Called with each batch of membership changes once recorded (benchmarks, tests). */
  onChanges(listener: (changes: readonly MembershipChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  processBatch(handOff?: ProfiledBatch): Promise<StageBatch> {
    return this.runBatch(handOff).then((consumed) => ({ consumed }));
  }

  /**
   * One batch of unified events, then the due re-checks; resolves to the events consumed.
   * `handOff`: the unify batch the pipeline just ran, used when it is exactly what comes next.
   */
  runBatch(handOff?: ProfiledBatch): Promise<number> {
    const result = this.turn.catch(() => undefined).then(() => this.batch(handOff));
    this.turn = result;
    return result;
  }

  /**
   * In the caller's transaction, before a replay of the log: computed traits go (recomputed by
   * the replay) and the stage restarts. Memberships are kept (profile ids survive a rebuild),
   * so the replay appends Audience Entered / Exited only for real changes.
   */
  async reset(db: Kysely<Database>): Promise<void> {
    await forgetAllValues(db);
    await resetCheckpoints(db, SEGMENT_STAGE);
  }

  /** In the caller's transaction: computed traits and memberships of these profiles, derived again. */
  async rederive(db: Kysely<Database>, change: Rederivation): Promise<AfterCommit | undefined> {
    const partition = partitionOfWorkspace(change.workspaceId, this.options.partitions ?? 1);
    const checkpoint = await readCheckpoint(db, checkpointName(SEGMENT_STAGE, partition));
    const now = this.deps.clock();
    const changes = await rederiveSegment(db, this.deps, { change, checkpoint, now });
    return changes.length > 0 ? () => this.notify(changes) : undefined;
  }

  /** Runs until every event unify has passed is consumed and nothing is due. */
  async catchUp(): Promise<void> {
    while ((await this.runBatch()) > 0) {}
  }

  /** Lays out the stage's checkpoints for the partition count, or refuses (see adoptLayout). */
  async prepare(): Promise<void> {
    await writeTransaction(this.store, (trx) =>
      adoptLayout(trx, this.store.kind, SEGMENT_STAGE, this.options.partitions ?? 1),
    );
  }

  /** Hands listeners changes recorded elsewhere (by the pipeline thread, on SQLite files). */
  notify(changes: readonly unknown[]): void {
    // What this stage recorded, in this thread or the pipeline thread (structured clones).
    for (const listener of this.listeners) listener(changes as readonly MembershipChange[]);
  }

  private async batch(handOff: ProfiledBatch | undefined): Promise<number> {
    const count = this.options.partitions ?? 1;
    if (count === 1) return (await this.batchOf(handOff, (trx) => this.lockSingle(trx))).consumed;
    // Partitions: the hand-off's first, else the free one furthest behind unify; one with nothing
    // to do (no event, no due re-check) passes the turn to the next, so that a call returning 0
    // means every free partition is done (catchUp, the loop's idle wait).
    const tried = new Set<number>();
    for (;;) {
      const lease = (trx: Kysely<Database>) =>
        leasePartition(trx, {
          stage: SEGMENT_STAGE,
          count,
          feeder: this.options.feeder,
          skip: tried,
          prefer: handOff?.partition.index,
        });
      const { consumed, partition } = await this.batchOf(handOff, lease);
      if (consumed > 0 || partition === undefined) return consumed;
      tried.add(partition.index);
    }
  }

  /** One partition: the checkpoint row locked (PostgreSQL processes take turns), unify's read. */
  private async lockSingle(trx: Kysely<Database>): Promise<PartitionLease> {
    const position = await lockCheckpoint(trx, this.store.kind, SEGMENT_STAGE);
    const upTo = await readCheckpoint(trx, this.options.feeder);
    return { partition: SINGLE_PARTITION, checkpoint: SEGMENT_STAGE, position, upTo };
  }

  private async batchOf(
    handOff: ProfiledBatch | undefined,
    leaseOf: (trx: Kysely<Database>) => Promise<PartitionLease | undefined>,
  ): Promise<{ consumed: number; partition: PipelinePartition | undefined }> {
    const now = this.deps.clock();
    const { consumed, changes, partition } = await writeTransaction(this.store, async (trx) => {
      const lease = await leaseOf(trx);
      if (!lease) return { consumed: 0, changes: [], partition: undefined };
      const { position, partition } = lease;
      const unified = lease.upTo ?? LOG_START;
      // The batch unify just ran, when it starts at this checkpoint and unify has not moved since
      // (another process's batch could have re-pointed profiles): no second read of the log.
      const fresh =
        handOff !== undefined &&
        handOff.partition.index === partition.index &&
        samePosition(handOff.from, position) &&
        samePosition(handOff.to, unified);
      const read: SegmentRead = fresh ? handOff : await this.read(trx, lease, unified);
      const touched = new Map<string, Set<string>>();
      const touch = (workspaceId: string, profileId: string) =>
        touched.set(workspaceId, (touched.get(workspaceId) ?? new Set()).add(profileId));
      for (const [workspaceId, ofWorkspace] of entriesByWorkspace(read.entries)) {
        const events = ofWorkspace.map((entry) => entry.event);
        const known = fresh ? handOff : undefined;
        for (const id of await this.applyEvents(trx, workspaceId, events, position, known))
          touch(workspaceId, id);
      }
      await this.dueRechecks(trx, { now, partition }, touch);
      const changes: MembershipChange[] = [];
      for (const [workspaceId, ids] of touched) {
        const audiences = await this.deps.audiences.compiledAudiences(workspaceId, trx);
        changes.push(...(await evaluateProfiles({ db: trx, workspaceId, now }, audiences, [...ids])));
      }
      // The Audience Entered / Exited events commit with the membership they report.
      await this.deps.events.appendWithin(trx, changes);
      if (read.to) await saveCheckpoint(trx, lease.checkpoint, read.to);
      const consumed = read.passed + (touched.size > 0 && read.passed === 0 ? 1 : 0);
      return { consumed, changes, partition };
    });
    if (changes.length > 0) this.notify(changes);
    return { consumed, partition };
  }

  /** The events after the lease's checkpoint that unify has passed in its partition. */
  private async read(
    trx: Kysely<Database>,
    lease: PartitionLease,
    unified: LogPosition,
  ): Promise<SegmentRead> {
    const limit = this.options.batchSize ?? 2000;
    if (lease.partition.count > 1) return (await readLeasedWindow(trx, lease, limit)) ?? NOTHING_READ;
    const entries = (await readLogAfter(trx, this.store.kind, lease.position, limit)).filter((e) =>
      notAfter(e.position, unified),
    );
    return { entries, to: entries.at(-1)?.position, passed: entries.length };
  }

  /**
   * One workspace's events: merges they caused, computed traits, and the profiles whose rule
   * inputs may have changed (to re-evaluate). An event changes what a rule reads when it sets
   * traits (identify, group, alias), bears an event name some rule reads, changes a computed
   * trait, merged two profiles, or carries consent while an audience requires a purpose; any other event (a page view no rule mentions, an
   * Audience Entered event) leaves every membership as it was.
   */
  private async applyEvents(
    trx: Kysely<Database>,
    workspaceId: string,
    events: readonly StoredEvent[],
    checkpoint: LogPosition,
    unified: ProfiledBatch | undefined,
  ): Promise<Set<string>> {
    const touched = new Set<string>();
    // A workspace without computed traits or audiences has nothing to keep here: skip its
    // events rather than look up their profiles (most of this stage's cost).
    const [definitions, audiences] = await Promise.all([
      this.deps.computedTraits.definitions(workspaceId, trx),
      this.deps.audiences.compiledAudiences(workspaceId, trx),
    ]);
    if (definitions.length === 0 && audiences.length === 0) return touched;
    const ruleEvents = new Set(eventReadsOf(audiences.map((a) => a.rule)).names);
    // An event carrying consent may change who grants a purpose an audience requires.
    const consentMatters = audiences.some((a) => a.requiredPurpose !== null);
    const profileOf = unified
      ? profilesAmong(unified.profileOf, events)
      : await profilesOfEvents(
          trx,
          workspaceId,
          events.map((e) => e.seq),
        );
    const { survivors, merged } = unified
      ? mergesAmong(unified.merges, workspaceId)
      : await mergesCausedBy(trx, workspaceId, events, profileOf);
    if (merged.length > 0) {
      // The survivor's computed traits count the merged profile's past events from now on;
      // this batch's events are folded next, as for any profile.
      await this.deps.computedTraits.refold(trx, workspaceId, survivors, checkpoint);
      await retireMerged(trx, workspaceId, merged);
      for (const id of survivors) touched.add(id);
    }
    const profiled: ProfiledEvent[] = [];
    for (const event of events) {
      const profileId = profileOf.get(event.seq);
      if (profileId === undefined) continue;
      if (event.type === 'track' && event.event !== null) {
        profiled.push({
          profileId,
          seq: event.seq,
          event: event.event,
          timestamp: event.timestamp,
          properties: propertiesOf(event.payload),
        });
      }
      if (
        TRAIT_SETTING_TYPES.has(event.type) ||
        (event.event !== null && ruleEvents.has(event.event)) ||
        (consentMatters && preferencesOf(event) !== undefined)
      )
        touched.add(profileId);
    }
    for (const id of await this.deps.computedTraits.apply(trx, workspaceId, profiled)) touched.add(id);
    return touched;
  }

  /** Time alone: computed-trait buckets leaving their window, audience window edges now due. */
  private async dueRechecks(
    db: Kysely<Database>,
    { now, partition }: { now: number; partition: PipelinePartition },
    touch: (ws: string, id: string) => void,
  ) {
    // Partitions: only this one's workspaces (another process may be re-checking the others).
    const inPartition = partition.count > 1 ? workspaceInPartition(partition) : undefined;
    const definitions = new Map<string, Awaited<ReturnType<ComputedTraitsService['definitions']>>>();
    const refreshed = await refreshExpired(
      db,
      async (workspaceId, traitId) => {
        if (!definitions.has(workspaceId))
          definitions.set(workspaceId, await this.deps.computedTraits.definitions(workspaceId, db));
        return definitions.get(workspaceId)?.find((d) => d.id === traitId);
      },
      { now, limit: 2000, inPartition },
    );
    for (const { workspaceId, profileId } of refreshed) touch(workspaceId, profileId);
    // Audience window edges, swept by time window (window-sweep.ts); merged-away profiles are skipped.
    for (const { workspaceId, profileId } of await this.deps.audiences.sweepWindowEdges(db, {
      now,
      inPartition,
    }))
      touch(workspaceId, profileId);
  }
}

/** The profiles of these events, from a mapping of a wider batch. */
function profilesAmong(known: ReadonlyMap<number, string>, events: readonly StoredEvent[]) {
  const profileOf = new Map<number, string>();
  for (const { seq } of events) {
    const profileId = known.get(seq);
    if (profileId !== undefined) profileOf.set(seq, profileId);
  }
  return profileOf;
}

/** The merges of one workspace in a unify batch. */
function mergesAmong(merges: ProfiledBatch['merges'], workspaceId: string) {
  const ofWorkspace = merges.filter((m) => m.workspaceId === workspaceId);
  return {
    survivors: [...new Set(ofWorkspace.map((m) => m.survivorId))],
    merged: ofWorkspace.map((m) => m.mergedId),
  };
}

/** Event types that set a profile's traits or company links. */
const TRAIT_SETTING_TYPES = new Set(['identify', 'group', 'alias']);

/**
 * A merged-away profile is no one now: its memberships end quietly (the survivor, re-evaluated,
 * carries the person's memberships and their events), and its computed state goes.
 */
async function retireMerged(db: Kysely<Database>, workspaceId: string, profileIds: readonly string[]) {
  const at = new Date().toISOString();
  for (const chunk of chunksOf(profileIds)) {
    await db
      .updateTable('audience_members')
      .set({ exited_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .where('exited_at', 'is', null)
      .execute();
  }
  await forgetProfiles(db, workspaceId, profileIds);
}

const NOTHING_READ: SegmentRead = { entries: [], to: undefined, passed: 0 };

function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.txid === b.txid && a.seq === b.seq;
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
