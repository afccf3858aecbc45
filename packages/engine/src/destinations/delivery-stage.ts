import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import {
  computedTraitNamesOf,
  computedValuesOfProfiles,
  SEGMENT_STAGE,
  takeTimeChanges,
} from '../computed-traits/index.js';
import { consentedProfiles, takeConsentFlips } from '../consent/index.js';
import { chunksOf, profilesOfEvents } from '../identity/index.js';
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
  leasePartition,
  lockCheckpoint,
  type PartitionLease,
  type PipelinePartition,
  type PipelineStage,
  type ProfiledBatch,
  readCheckpoint,
  readLeasedWindow,
  resetCheckpoints,
  SINGLE_PARTITION,
  type StageBatch,
  saveCheckpoint,
  workspaceInPartition,
} from '../pipeline-runtime/index.js';
import { type Database, type DeliveriesTable, nowIso, type Store, writeTransaction } from '../store/index.js';
import { consentFlipDeliveries } from './consent-flip-deliveries.js';
import { audienceBody, deliveryIdOf, eventBody, profileSections, traitBody } from './delivery-bodies.js';
import type { ConsentChecker } from './delivery-options.js';
import { storedDestinationOf } from './destination-rows.js';
import type { Pending, Subscribed } from './pending-delivery.js';
import { audienceTransitionOf, compileSubscriptions, eventMatches } from './subscriptions.js';

/** The checkpoint of the delivery stage. */
export const DELIVERY_STAGE = 'delivery';

export interface DeliveryStageOptions {
  readonly batchSize?: number | undefined;
  readonly partitions?: number | undefined;
  /** Causes older than this are not delivered (they would be dead on arrival): a rebuild's replay. */
  readonly maxAgeMs: number;
  readonly clock: () => number;
  /** Whom consent allows (the dispatcher's checker): a flip back to granted enters only them. */
  readonly consent?: ConsentChecker | undefined;
}

/** What a batch wrote: the destinations that have new deliveries (the dispatcher's wake-up). */
export type OutboxWritten = { readonly workspaceId: string; readonly destinationId: string };

interface DeliveryRead {
  readonly entries: readonly LogEntry[];
  readonly to: LogPosition | undefined;
  readonly passed: number;
}

type Row = Omit<DeliveriesTable, never>;

/**
 * The log's last consumer (after segment): for each batch of events, the outbox rows of every
 * matching subscription, written with the stage's checkpoint in one transaction. Audience
 * entered / exited come from the `Audience Entered` / `Audience Exited` events segment appends
 * to the log; computed-trait changes from comparing, for the profiles a batch touched, their
 * computed values with those the stage saw last (`delivery_trait_values`). Values that time alone
 * changed (a window moving on) are flagged by the segment stage and taken here with each batch,
 * and so are consent flips the consent domain keeps (audience exits and entries for destinations
 * needing the purpose).
 */
export class DeliveryStage implements PipelineStage {
  readonly name = DELIVERY_STAGE;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(written: readonly OutboxWritten[]) => void>();

  constructor(
    private readonly store: Store,
    private readonly options: DeliveryStageOptions,
  ) {}

  /** Called after each batch that wrote outbox rows, once committed (in this process). */
  onWritten(listener: (written: readonly OutboxWritten[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(changes: readonly unknown[]): void {
    for (const listener of this.listeners) listener(changes as readonly OutboxWritten[]);
  }

  async prepare(): Promise<void> {
    await writeTransaction(this.store, (trx) =>
      adoptLayout(trx, this.store.kind, DELIVERY_STAGE, this.options.partitions ?? 1),
    );
  }

  processBatch(handOff?: ProfiledBatch): Promise<StageBatch> {
    const result = this.turn.catch(() => undefined).then(() => this.batch(handOff));
    this.turn = result;
    return result.then((consumed) => ({ consumed }));
  }

  /** Runs until every event segment has passed is consumed. */
  async catchUp(): Promise<void> {
    while ((await this.processBatch()).consumed > 0) {}
  }

  /**
   * Rewinds to the start. Deliveries are kept: a replayed event makes the same delivery id
   * again, which is already there (nothing is sent twice); causes older than the dead-letter
   * age are not delivered at all.
   */
  async reset(db: Kysely<Database>): Promise<void> {
    await resetCheckpoints(db, DELIVERY_STAGE);
  }

  /** Deliveries are history: an unmerge re-derives nothing here (later causes carry the new profiles). */
  async rederive(): Promise<AfterCommit | undefined> {
    return undefined;
  }

  private async batch(handOff: ProfiledBatch | undefined): Promise<number> {
    const count = this.options.partitions ?? 1;
    if (count === 1) return (await this.batchOf(handOff, (trx) => this.lockSingle(trx))).consumed;
    const tried = new Set<number>();
    for (;;) {
      const lease = (trx: Kysely<Database>) =>
        leasePartition(trx, {
          stage: DELIVERY_STAGE,
          count,
          feeder: SEGMENT_STAGE,
          skip: tried,
          prefer: handOff?.partition.index,
        });
      const { consumed, partition } = await this.batchOf(handOff, lease);
      if (consumed > 0 || partition === undefined) return consumed;
      tried.add(partition.index);
    }
  }

  private async lockSingle(trx: Kysely<Database>): Promise<PartitionLease> {
    const position = await lockCheckpoint(trx, this.store.kind, DELIVERY_STAGE);
    const upTo = await readCheckpoint(trx, SEGMENT_STAGE);
    return { partition: SINGLE_PARTITION, checkpoint: DELIVERY_STAGE, position, upTo };
  }

  private async batchOf(
    handOff: ProfiledBatch | undefined,
    leaseOf: (trx: Kysely<Database>) => Promise<PartitionLease | undefined>,
  ): Promise<{ consumed: number; partition: PipelinePartition | undefined }> {
    const { consumed, written, partition } = await writeTransaction(this.store, async (trx) => {
      const lease = await leaseOf(trx);
      if (!lease) return { consumed: 0, written: [], partition: undefined };
      const upTo = lease.upTo ?? LOG_START;
      const fresh =
        handOff !== undefined &&
        handOff.partition.index === lease.partition.index &&
        samePosition(handOff.from, lease.position) &&
        samePosition(handOff.to, upTo);
      const read: DeliveryRead = fresh ? handOff : await this.read(trx, lease, upTo);
      const written: OutboxWritten[] = [];
      for (const [workspaceId, entries] of entriesByWorkspace(read.entries)) {
        const events = entries.map((e) => e.event);
        const destinations = await this.subscribed(trx, workspaceId);
        if (destinations.length === 0) continue;
        const profileOf = fresh
          ? new Map(
              events.flatMap((e) =>
                handOff.profileOf.has(e.seq) ? [[e.seq, handOff.profileOf.get(e.seq) as string]] : [],
              ),
            )
          : await profilesOfEvents(
              trx,
              workspaceId,
              events.map((e) => e.seq),
            );
        const ids = await this.writeOutbox(trx, workspaceId, destinations, events, profileOf);
        wake(written, workspaceId, destinations, ids);
      }
      const position = read.to ?? lease.position;
      const timeChanged = await this.writeTimeChanges(trx, lease, position, written);
      const consentFlipped = await this.writeConsentFlips(trx, lease, position, written);
      if (read.to) await saveCheckpoint(trx, lease.checkpoint, read.to);
      // Changes taken with no event read still count as work: the loop comes back for more.
      const taken = timeChanged + consentFlipped;
      const consumed = read.passed + (taken > 0 && read.passed === 0 ? 1 : 0);
      return { consumed, written, partition: lease.partition };
    });
    if (written.length > 0) this.notify(written);
    return { consumed, partition };
  }

  private async read(trx: Kysely<Database>, lease: PartitionLease, upTo: LogPosition): Promise<DeliveryRead> {
    const limit = this.options.batchSize ?? 2000;
    if (lease.partition.count > 1) return (await readLeasedWindow(trx, lease, limit)) ?? NOTHING_READ;
    const entries = (await readLogAfter(trx, this.store.kind, lease.position, limit)).filter((e) =>
      notAfter(e.position, upTo),
    );
    return { entries, to: entries.at(-1)?.position, passed: entries.length };
  }

  /**
   * The workspace's destinations with subscriptions, paused ones included: a pause holds their
   * deliveries (the dispatcher sends them once resumed), it does not drop them. On PostgreSQL the
   * rows are key-share locked, so a destination deleted meanwhile waits for this batch and then
   * deletes its rows too: a deleted destination is never left with deliveries.
   */
  private async subscribed(trx: Kysely<Database>, workspaceId: string): Promise<Subscribed[]> {
    const query = trx.selectFrom('destinations').selectAll().where('workspace_id', '=', workspaceId);
    const rows = await (this.store.kind === 'postgres' ? query.forKeyShare() : query).execute();
    const subscribed: Subscribed[] = [];
    for (const row of rows) {
      const destination = storedDestinationOf(row);
      if (destination.subscriptions.length === 0) continue;
      const compiled = compileSubscriptions(destination.subscriptions);
      if (compiled.ok) subscribed.push({ destination, subscriptions: compiled.value });
    }
    return subscribed;
  }

  /**
   * The trait changes time alone made (flagged by the segment stage), for destinations subscribed
   * to traits, ordered after what the stage has read so far. Answers how many profiles were taken.
   */
  private async writeTimeChanges(
    trx: Kysely<Database>,
    lease: PartitionLease,
    position: LogPosition,
    written: OutboxWritten[],
  ): Promise<number> {
    const inPartition = lease.partition.count > 1 ? workspaceInPartition(lease.partition) : undefined;
    const byWorkspace = await takeTimeChanges(trx, {
      consumer: 'delivery',
      limit: TIME_CHANGES_PER_BATCH,
      inPartition,
    });
    const at = new Date(this.options.clock());
    for (const [workspaceId, profileIds] of byWorkspace) {
      const destinations = (await this.subscribed(trx, workspaceId)).filter((d) =>
        d.subscriptions.some((s) => s.kind === 'trait'),
      );
      if (destinations.length === 0) continue;
      const cause: TraitCause = { at: at.toISOString(), ord: position.seq, key: `t${at.getTime()}` };
      const changes = await this.traitChanges(trx, workspaceId, new Map(profileIds.map((id) => [id, cause])));
      const ids = await this.writePending(trx, workspaceId, traitPending(changes, destinations));
      wake(written, workspaceId, destinations, ids);
    }
    let taken = 0;
    for (const profileIds of byWorkspace.values()) taken += profileIds.length;
    return taken;
  }

  /**
   * Consent flips (kept by the consent domain where a decision turned a purpose), taken and
   * deleted with the batch: audience exits and entries for destinations needing the purpose,
   * ordered after what the stage has read so far. Answers how many flips were taken.
   */
  private async writeConsentFlips(
    trx: Kysely<Database>,
    lease: PartitionLease,
    position: LogPosition,
    written: OutboxWritten[],
  ): Promise<number> {
    const inPartition = lease.partition.count > 1 ? workspaceInPartition(lease.partition) : undefined;
    const taken = await takeConsentFlips(trx, { limit: CONSENT_FLIPS_PER_BATCH, inPartition });
    const byWorkspace = new Map<string, typeof taken>();
    for (const flip of taken) {
      const flips = byWorkspace.get(flip.workspaceId) ?? [];
      if (flips.length === 0) byWorkspace.set(flip.workspaceId, flips);
      flips.push(flip);
    }
    for (const [workspaceId, flips] of byWorkspace) {
      const destinations = await this.subscribed(trx, workspaceId);
      const pending = await consentFlipDeliveries(trx, {
        workspaceId,
        flips,
        destinations,
        consent: this.options.consent ?? consentedProfiles,
        notBefore: this.options.clock() - this.options.maxAgeMs,
        ord: position.seq,
      });
      wake(written, workspaceId, destinations, await this.writePending(trx, workspaceId, pending));
    }
    return taken.length;
  }

  /** The outbox rows of one workspace's events; answers the destinations that got rows. */
  private async writeOutbox(
    trx: Kysely<Database>,
    workspaceId: string,
    destinations: readonly Subscribed[],
    events: readonly StoredEvent[],
    profileOf: ReadonlyMap<number, string>,
  ): Promise<Set<string>> {
    const now = this.options.clock();
    const oldest = now - this.options.maxAgeMs;
    const pending: Pending[] = [];
    const traitSubscribers = destinations.filter((d) => d.subscriptions.some((s) => s.kind === 'trait'));
    for (const event of events) {
      const transition = audienceTransitionOf(event);
      const attributed = profileOf.get(event.seq);
      const received = Date.parse(event.receivedAt);
      for (const { destination, subscriptions } of destinations) {
        // A cause before the destination existed, or too old to deliver: a rebuild's replay.
        if (received < oldest || event.receivedAt < destination.createdAt) continue;
        for (const subscription of subscriptions) {
          if (subscription.kind === 'event') {
            if (transition || attributed === undefined || !eventMatches(subscription, event, now)) continue;
            pending.push({
              destination,
              subscription,
              profileId: attributed,
              make: (profile, id) => eventBody(event, profile, id),
              occurredAt: event.timestamp,
              type: 'event',
              cause: event.id,
              ord: event.seq,
            });
          } else if (subscription.kind === 'audience' && transition) {
            if (transition.audienceId !== subscription.audienceId) continue;
            if (transition.entered ? !subscription.entered : !subscription.exited) continue;
            const fromEvent = (event.payload.properties as Record<string, unknown> | undefined)?.profileId;
            const profileId = attributed ?? (typeof fromEvent === 'string' ? fromEvent : undefined);
            if (profileId === undefined) continue;
            const which = transition.entered ? 'entered' : 'exited';
            const audience = { id: transition.audienceId, name: transition.audienceName };
            pending.push({
              destination,
              subscription,
              profileId,
              make: (profile, id) => audienceBody(which, audience, profile, event.timestamp, id),
              occurredAt: event.timestamp,
              type: `audience.${which}`,
              cause: event.id,
              ord: event.seq,
            });
          }
        }
      }
    }
    if (traitSubscribers.length > 0) {
      // Each profile's last event of the batch is the cause of its trait changes.
      const causes = new Map<string, TraitCause>();
      for (const event of events) {
        const profileId = profileOf.get(event.seq);
        if (profileId !== undefined)
          causes.set(profileId, { at: event.timestamp, ord: event.seq, key: String(event.seq), event });
      }
      pending.push(...traitPending(await this.traitChanges(trx, workspaceId, causes), traitSubscribers));
    }
    return this.writePending(trx, workspaceId, pending);
  }

  /** Writes the outbox rows of these deliveries; answers the destinations that got rows. */
  private async writePending(
    trx: Kysely<Database>,
    workspaceId: string,
    pending: readonly Pending[],
  ): Promise<Set<string>> {
    const createdAt = nowIso(this.options.clock);
    if (pending.length === 0) return new Set();
    const sections = await profileSections(trx, workspaceId, [...new Set(pending.map((p) => p.profileId))]);
    const rows: Row[] = pending.map((p) => {
      const deliveryId = deliveryIdOf(p.destination.id, p.cause, p.subscription.index);
      const profile = sections.get(p.profileId) ?? { id: p.profileId, traits: {}, identities: [] };
      return {
        workspace_id: workspaceId,
        delivery_id: deliveryId,
        destination_id: p.destination.id,
        profile_id: p.profileId,
        type: p.type,
        // The cause's place in the log, then the subscription: a profile's deliveries in order.
        ord: p.ord * 64 + p.subscription.index,
        body: JSON.stringify(p.make(profile, deliveryId)),
        mapping: p.subscription.mapping ?? null,
        status: 'pending',
        attempts: 0,
        last_error: null,
        last_status: null,
        latency_ms: null,
        occurred_at: p.occurredAt,
        created_at: createdAt,
        next_attempt_at: createdAt,
        delivered_at: null,
        lease_until: null,
      };
    });
    for (const chunk of chunksOf(rows, 200)) {
      await trx
        .insertInto('deliveries')
        .values(chunk)
        .onConflict((oc) => oc.columns(['workspace_id', 'delivery_id']).doNothing())
        .execute();
    }
    return new Set(pending.map((p) => p.destination.id));
  }

  /**
   * Computed-trait values that changed for these profiles since the stage last looked (what
   * segment computed for them is committed before this stage reads), each with its profile's
   * cause. The first value the stage sees for a profile counts as a change from null.
   */
  private async traitChanges(
    trx: Kysely<Database>,
    workspaceId: string,
    causes: ReadonlyMap<string, TraitCause>,
  ): Promise<TraitChange[]> {
    if (causes.size === 0) return [];
    const definitions = await computedTraitNamesOf(trx, workspaceId);
    if (definitions.size === 0) return [];
    const changes: TraitChange[] = [];
    for (const chunk of chunksOf([...causes.keys()])) {
      const [current, seen] = await Promise.all([
        computedValuesOfProfiles(trx, workspaceId, chunk),
        trx
          .selectFrom('delivery_trait_values')
          .select(['profile_id', 'trait_id', 'value'])
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', chunk)
          .execute(),
      ]);
      const before = new Map(seen.map((r) => [`${r.profile_id}|${r.trait_id}`, r.value]));
      const updates: { workspace_id: string; profile_id: string; trait_id: string; value: string }[] = [];
      for (const row of current) {
        const name = definitions.get(row.trait_id);
        const value = typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
        const previous = before.get(`${row.profile_id}|${row.trait_id}`);
        if (name === undefined || previous === value) continue;
        changes.push({
          profileId: row.profile_id,
          traitId: row.trait_id,
          name,
          value: JSON.parse(value),
          previous: previous === undefined ? null : JSON.parse(previous),
          cause: causes.get(row.profile_id) as TraitCause,
        });
        updates.push({
          workspace_id: workspaceId,
          profile_id: row.profile_id,
          trait_id: row.trait_id,
          value,
        });
      }
      for (const part of chunksOf(updates, 200)) {
        await trx
          .insertInto('delivery_trait_values')
          .values(part)
          .onConflict((oc) =>
            oc
              .columns(['workspace_id', 'profile_id', 'trait_id'])
              .doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
          )
          .execute();
      }
    }
    return changes;
  }
}

/** Why a profile's computed values are compared: its last event in a batch, or time alone. */
interface TraitCause {
  readonly at: string;
  /** The place in the log the change is ordered at. */
  readonly ord: number;
  /** Distinguishes this cause among the profile's: the event's seq, or the time it was noticed. */
  readonly key: string;
  /** Absent for a change time alone made. */
  readonly event?: StoredEvent;
}

interface TraitChange {
  readonly profileId: string;
  readonly traitId: string;
  readonly name: string;
  readonly value: unknown;
  readonly previous: unknown;
  readonly cause: TraitCause;
}

// Profiles whose values time changed, taken per batch; more wait for the next.
const TIME_CHANGES_PER_BATCH = 2000;
// Consent flips taken per batch; more wait for the next.
const CONSENT_FLIPS_PER_BATCH = 2000;

/** The deliveries of trait changes to the destinations subscribed to those traits. */
function traitPending(changes: readonly TraitChange[], destinations: readonly Subscribed[]): Pending[] {
  const pending: Pending[] = [];
  for (const change of changes) {
    const { event } = change.cause;
    for (const { destination, subscriptions } of destinations) {
      // A cause before the destination existed: a rebuild's replay.
      if (event && event.receivedAt < destination.createdAt) continue;
      for (const subscription of subscriptions) {
        if (subscription.kind !== 'trait') continue;
        if (subscription.traits && !subscription.traits.has(change.name)) continue;
        pending.push({
          destination,
          subscription,
          profileId: change.profileId,
          make: (profile, id) =>
            traitBody(
              { id: change.traitId, name: change.name, value: change.value, previous: change.previous },
              profile,
              change.cause.at,
              id,
            ),
          occurredAt: change.cause.at,
          type: 'trait.changed',
          cause: `trait:${change.traitId}:${change.profileId}:${change.cause.key}`,
          ord: change.cause.ord,
        });
      }
    }
  }
  return pending;
}

/** Wakes the senders of destinations that got rows; a paused one's wait until it is resumed. */
function wake(
  written: OutboxWritten[],
  workspaceId: string,
  destinations: readonly Subscribed[],
  ids: ReadonlySet<string>,
): void {
  for (const { destination } of destinations)
    if (destination.enabled && ids.has(destination.id))
      written.push({ workspaceId, destinationId: destination.id });
}

const NOTHING_READ: DeliveryRead = { entries: [], to: undefined, passed: 0 };

function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.txid === b.txid && a.seq === b.seq;
}

function notAfter(position: LogPosition, limit: LogPosition): boolean {
  return position.txid < limit.txid || (position.txid === limit.txid && position.seq <= limit.seq);
}
