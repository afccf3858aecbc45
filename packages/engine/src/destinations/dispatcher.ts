import type { DestinationType } from '@tandem/contract';
import { sql } from 'kysely';
import { chunksOf, mergedIntoOf } from '../identity/index.js';
import { type Store, writeTransaction } from '../store/index.js';
import { type ClaimLimits, claimDue, LEASE_MS } from './delivery-claims.js';
import type { ConsentChecker } from './delivery-options.js';
import { parkProfiles, RowUpdates, type RowValues } from './delivery-updates.js';
import type { DeliveryRow, StoredDestination } from './destination-rows.js';
import type { DestinationsService } from './destinations-service.js';
import { FairTurns } from './fair-turns.js';
import { applyMapping } from './mapping.js';
import type {
  DeliveryMessage,
  DeliveryOutcome,
  DestinationTransport,
  TransportKind,
  TransportLog,
} from './transport.js';

// The dispatcher: sends the outbox, at least once, in each (destination, profile)'s order.
// One worker per destination claims due deliveries (a lease on the rows: in the worker's memory
// on SQLite, in the table on PostgreSQL, whose processes skip each other's locked rows), sends
// them with up to `concurrency` sends in flight, and records each outcome: delivered, retried
// later with exponential backoff and jitter (or the other side's Retry-After), dead after the
// attempt or age bound, or skipped when consent or the profile is gone. A profile whose head
// delivery waits to be retried holds back only its own later deliveries ("parked" until then);
// a destination failing every send opens a circuit: one probe at a time until it answers, then
// everything parked is due at once.

export interface DispatcherOptions {
  readonly transports: ReadonlyMap<string, TransportKind>;
  readonly allowPrivateNetworks: boolean;
  readonly consent: ConsentChecker;
  readonly sendTimeoutMs: number;
  readonly maxAttempts: number;
  readonly maxAgeMs: number;
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly retentionDays: number;
  readonly pollMs: number;
  readonly clock: () => number;
  readonly log: TransportLog;
}

/** What one finished attempt reports (metrics). */
export interface AttemptReport {
  readonly workspaceId: string;
  readonly destinationId: string;
  readonly status: 'delivered' | 'failed' | 'dead' | 'skipped';
  /** For delivered ones: from the outbox row's creation to the answer. */
  readonly sinceCreatedMs?: number | undefined;
  readonly sendMs?: number | undefined;
}

/**
 * Deliveries still to send, written out (not bound): SQLite uses the partial indexes
 * `deliveries_due` and `deliveries_unsent_by_profile` only when a query repeats their condition
 * literally.
 */
const UNSENT = sql<boolean>`status IN ('pending', 'failed')`;

/** Due rows a claim looks at; rows a claim takes (one message per delivery). */
const CLAIM_LIMIT = 500;
/** Rows a claim takes for a destination that batches: several batches, sent side by side. */
const BATCHED_CLAIM_LIMIT = 1000;
/**
 * On SQLite a claim, and so the record of its send, is one synchronous transaction on the main
 * thread: at most this many rows (~10 ms), so that a backlog's drain takes the event loop in
 * short slices and a live destination's turn comes between them. A worker keeps several claims
 * in flight, so the drain's rate does not depend on it.
 */
const SQLITE_CLAIM_SLICE = 250;
/** Sends in flight while a destination drains a backlog on SQLite (see `sendsAllowed`). */
const SQLITE_DRAIN_SENDS = 4;
/** Consecutive failed sends (every message failed, retryably) that open the circuit. */
const CIRCUIT_FAILURES = 5;
const MAX_PROBE_DELAY_MS = 5_000;
const SWEEP_EVERY_MS = 60_000;
/** How long a woken worker waits for more rows before it claims. */
const COALESCE_MS = 15;

export class Dispatcher {
  private readonly workers = new Map<string, DestinationWorker>();
  private readonly listeners = new Set<(report: AttemptReport) => void>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSweep = 0;
  private refreshing: Promise<void> | undefined;
  private readonly retiring = new Set<Promise<void>>();
  /** The workers' claims and records take turns (see fair-turns.ts). */
  readonly turns: FairTurns;

  constructor(
    private readonly store: Store,
    private readonly destinations: DestinationsService,
    readonly options: DispatcherOptions,
  ) {
    this.turns = new FairTurns(store.kind === 'sqlite', async () => store.writeTurn?.giveWay());
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts sending: a worker per enabled destination, polling for other processes' rows. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = () => {
      if (!this.running) return;
      this.refresh()
        .catch((error) => this.options.log('error', 'delivery refresh failed', { error: String(error) }))
        .finally(() => {
          if (this.running) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.refreshing?.catch(() => undefined);
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
    await Promise.all([...this.retiring]);
  }

  /** Deliveries were written or made due (the stage, a replay): their workers look now. */
  wake(destinations: readonly { workspaceId: string; destinationId: string }[]): void {
    if (!this.running) return;
    for (const { workspaceId, destinationId } of destinations) {
      const worker = this.workers.get(destinationId);
      if (worker) worker.poke();
      else this.ensureWorker(workspaceId, destinationId).catch(() => undefined);
    }
  }

  /** Destinations whose deliveries were made due (a replay, a re-enable). */
  wakeIds(destinationIds: readonly string[]): void {
    for (const id of destinationIds) this.workers.get(id)?.poke();
  }

  /** Called after each recorded attempt (metrics, benchmarks). */
  onAttempt(listener: (report: AttemptReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Undelivered deliveries by destination (backlog metrics). */
  async backlog(): Promise<{ workspaceId: string; destinationId: string; status: string; count: number }[]> {
    const rows = await this.store.db
      .selectFrom('deliveries')
      .select((eb) => ['workspace_id', 'destination_id', 'status', eb.fn.countAll().as('count')])
      .where('status', 'in', ['pending', 'failed', 'dead'])
      .groupBy(['workspace_id', 'destination_id', 'status'])
      .execute();
    return rows.map((r) => ({
      workspaceId: r.workspace_id,
      destinationId: r.destination_id,
      status: r.status,
      count: Number(r.count),
    }));
  }

  /** Runs the dead-letter age bound and the delivery log's retention now. */
  async sweep(): Promise<{ dead: number; removed: number }> {
    const now = this.options.clock();
    const tooOld = new Date(now - this.options.maxAgeMs).toISOString();
    const dead = await this.store.db
      .updateTable('deliveries')
      .set({
        status: 'dead',
        last_error: 'Not delivered within the maximum age (TANDEM_DELIVERY_MAX_AGE_HOURS)',
        next_attempt_at: null,
        lease_until: null,
      })
      .where(UNSENT)
      .where('created_at', '<', tooOld)
      .where((eb) =>
        eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', new Date(now).toISOString())]),
      )
      .executeTakeFirst();
    const expired = new Date(now - this.options.retentionDays * 86_400_000).toISOString();
    const removed = await this.store.db
      .deleteFrom('deliveries')
      .where('status', 'in', ['delivered', 'dead', 'skipped'])
      .where('created_at', '<', expired)
      .executeTakeFirst();
    return { dead: Number(dead.numUpdatedRows), removed: Number(removed.numDeletedRows) };
  }

  report(report: AttemptReport): void {
    for (const listener of this.listeners) listener(report);
  }

  /**
   * Stops a worker whose destination changed or went: it claims nothing more at once, and its
   * sends in flight finish in the background, so an edit never waits for a slow receiver.
   */
  private retire(worker: DestinationWorker): void {
    const stopped = worker
      .stop()
      .catch((error) => this.options.log('error', 'delivery worker stop failed', { error: String(error) }))
      .finally(() => this.retiring.delete(stopped));
    this.retiring.add(stopped);
  }

  /** A destination was edited or deleted here: its worker is replaced before this resolves. */
  async reload(): Promise<void> {
    if (this.running) await this.refresh();
  }

  private refresh(): Promise<void> {
    // One refresh at a time: a reload waits for the poll's and runs after it.
    const previous = this.refreshing;
    this.refreshing = (async () => {
      await previous?.catch(() => undefined);
      const rows = await this.store.db
        .selectFrom('destinations')
        .select(['workspace_id', 'destination_id', 'updated_at', 'enabled'])
        .execute();
      const live = new Set<string>();
      for (const row of rows) {
        if (Number(row.enabled) !== 1) continue;
        live.add(row.destination_id);
        const worker = this.workers.get(row.destination_id);
        if (worker && worker.version !== row.updated_at) {
          this.workers.delete(row.destination_id);
          this.retire(worker);
        }
        if (!this.workers.has(row.destination_id))
          await this.ensureWorker(row.workspace_id, row.destination_id);
        else this.workers.get(row.destination_id)?.poke();
      }
      for (const [id, worker] of this.workers) {
        if (live.has(id)) continue;
        this.workers.delete(id);
        this.retire(worker);
      }
      const now = this.options.clock();
      if (now - this.lastSweep >= SWEEP_EVERY_MS) {
        this.lastSweep = now;
        await this.sweep();
      }
    })();
    return this.refreshing;
  }

  private async ensureWorker(workspaceId: string, destinationId: string): Promise<void> {
    if (this.workers.has(destinationId) || !this.running) return;
    const found = await this.destinations.forSending(workspaceId, destinationId);
    if (!found?.stored.enabled || this.workers.has(destinationId) || !this.running) return;
    const worker = new DestinationWorker(this.store, this, found.stored, found.config);
    this.workers.set(destinationId, worker);
    worker.start();
  }
}

/** Claims, sends and records the deliveries of one destination. */
class DestinationWorker {
  readonly version: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private transport: Promise<DestinationTransport> | undefined;
  private wakeUp: (() => void) | undefined;
  private poked = false;
  private inFlight = 0;
  private readonly sends = new Set<Promise<void>>();
  /** Profiles whose later deliveries were parked behind a retried one. */
  private readonly parked = new Set<string>();
  /** SQLite: rowids of the rows this worker's sends hold (their lease, kept in memory). */
  private readonly leasedRows = new Set<number>();
  private failedSends = 0;
  /** The last claim was full: a backlog is being sent. */
  private draining = false;
  private circuitOpenUntil = 0;
  private probeDelayMs = 250;
  private probing = false;
  private readonly bucket: TokenBucket | undefined;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly destination: StoredDestination,
    private readonly config: Record<string, unknown>,
  ) {
    this.version = destination.updatedAt;
    const rate = destination.limits.ratePerSecond;
    this.bucket = rate ? new TokenBucket(rate) : undefined;
  }

  private get options(): DispatcherOptions {
    return this.dispatcher.options;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
    await Promise.all([...this.sends]);
    const transport = await this.transport?.catch(() => undefined);
    await transport?.close();
  }

  poke(): void {
    this.poked = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.poked = false;
      let more = false;
      try {
        const now = this.options.clock();
        const circuitOpen = now < this.circuitOpenUntil;
        // A destination down (circuit open): one probe when its time comes, nothing else.
        if (!circuitOpen && !this.probing) {
          while (this.running && this.inFlight < this.sendsAllowed()) {
            const probe = this.failedSends >= CIRCUIT_FAILURES;
            const claim = probe
              ? { rows: await this.claimProbe(), rowIds: [], more: false }
              : await this.claim();
            more = claim.more;
            this.draining = more;
            if (claim.rows.length > 0) this.launch(claim.rows, claim.rowIds, probe);
            // Not a full claim: nothing more is due now (the next poke brings more).
            if (!more) break;
          }
        }
      } catch (error) {
        this.options.log('error', 'delivery claim failed', {
          destinationId: this.destination.id,
          error: String(error),
        });
      }
      if (more && this.inFlight < this.sendsAllowed()) continue;
      await this.idle();
      // Woken by new rows: let a few more arrive, so that claims (write transactions, which
      // take turns with the pipeline's) stay few and large; well within the latency budget. A
      // batching webhook lingers its `batch.maxWaitMs`, so that its batches gather more.
      if (this.running) await new Promise((resolve) => setTimeout(resolve, this.lingerMs()));
    }
  }

  /**
   * Sends in flight at once: the destination's concurrency, but on SQLite at most
   * `SQLITE_DRAIN_SENDS` while it drains a backlog, since every claim reads past the rows in
   * flight (leased in memory) and a drain's full claims would otherwise read thousands each.
   */
  private sendsAllowed(): number {
    const { concurrency } = this.destination.limits;
    return this.store.kind === 'sqlite' && this.draining
      ? Math.min(concurrency, SQLITE_DRAIN_SENDS)
      : concurrency;
  }

  /** Waits for a poke, a finished send, the circuit's probe time, the next due row or the poll. */
  private async idle(): Promise<void> {
    if (this.poked || !this.running) return;
    const now = this.options.clock();
    let waitMs = this.options.pollMs;
    if (now < this.circuitOpenUntil) waitMs = Math.min(waitMs, this.circuitOpenUntil - now);
    // At its concurrency the worker claims nothing before a send finishes, and a finished send
    // pokes it: the next due row is looked up then (a query less per slice while draining).
    else if (this.inFlight < this.sendsAllowed()) {
      const next = await this.nextDueAt().catch(() => undefined);
      if (next !== undefined) waitMs = Math.max(1, Math.min(waitMs, next - now));
    }
    if (this.poked || !this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    // The circuit's time has come: let the next claim be the probe.
    if (this.options.clock() >= this.circuitOpenUntil) this.circuitOpenUntil = 0;
  }

  private async nextDueAt(): Promise<number | undefined> {
    const next = this.store.db
      .selectFrom('deliveries')
      .select('next_attempt_at')
      .where('destination_id', '=', this.destination.id)
      .where(UNSENT)
      .orderBy('next_attempt_at');
    // SQLite: rows in flight are still due in the table; the first row past them.
    const row =
      this.store.kind === 'sqlite'
        ? (
            await next
              .select(sql<number>`rowid`.as('row_id'))
              .limit(this.leasedRows.size + 1)
              .execute()
          ).find((r) => !this.leasedRows.has(Number(r.row_id)))
        : await next.limit(1).executeTakeFirst();
    return row?.next_attempt_at ? Date.parse(row.next_attempt_at) : undefined;
  }

  private launch(batch: DeliveryRow[], rowIds: readonly number[], probe: boolean): void {
    this.inFlight += 1;
    for (const rowId of rowIds) this.leasedRows.add(rowId);
    if (probe) this.probing = true;
    const send = this.send(batch)
      .catch((error) =>
        this.options.log('error', 'delivery send failed', {
          destinationId: this.destination.id,
          error: String(error),
        }),
      )
      .finally(() => {
        // Recorded (or given up: then due again, sent again with the same ids).
        for (const rowId of rowIds) this.leasedRows.delete(rowId);
        this.inFlight -= 1;
        if (probe) this.probing = false;
        this.sends.delete(send);
        this.poke();
      });
    this.sends.add(send);
  }

  /** Due deliveries, whole profiles at a time, leased (see delivery-claims.ts). */
  private claim(): Promise<{ rows: DeliveryRow[]; rowIds: readonly number[]; more: boolean }> {
    return this.inTurn(() =>
      writeTransaction(this.store, async (trx) => {
        const claim = await claimDue(
          trx,
          this.store.kind,
          this.destination,
          this.claimLimits(),
          this.options.clock(),
          this.leasedRows,
        );
        for (const profileId of claim.parked) this.parked.add(profileId);
        return claim;
      }),
    );
  }

  /**
   * A claim or a record: its turn among the destinations' (see fair-turns.ts); a background one
   * while the destination drains a backlog (its last claim was full).
   */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.dispatcher.turns.run(this.destination.id, work, { background: this.draining });
  }

  /**
   * The probe of a destination whose circuit is open: the earliest delivery of the profile whose
   * turn comes first, due or not (its rows may all wait for long backoffs; the probe is what
   * tells that the destination is back).
   */
  private claimProbe(): Promise<DeliveryRow[]> {
    return this.inTurn(() =>
      writeTransaction(this.store, async (trx) => {
        const now = this.options.clock();
        const nowText = new Date(now).toISOString();
        let first = trx
          .selectFrom('deliveries')
          .select('profile_id')
          .where('destination_id', '=', this.destination.id)
          .where(UNSENT)
          .orderBy('next_attempt_at')
          .orderBy('ord')
          .limit(1);
        if (this.store.kind === 'postgres') first = first.forUpdate().skipLocked();
        const next = await first.executeTakeFirst();
        if (!next) return [];
        const head = await trx
          .selectFrom('deliveries')
          .selectAll()
          .where('destination_id', '=', this.destination.id)
          .where('profile_id', '=', next.profile_id)
          .where(UNSENT)
          .orderBy('ord')
          .limit(1)
          .executeTakeFirst();
        if (!head || (head.lease_until !== null && head.lease_until > nowText)) return [];
        const leaseEnd = new Date(now + LEASE_MS).toISOString();
        await trx
          .updateTable('deliveries')
          .set({ lease_until: leaseEnd, next_attempt_at: leaseEnd })
          .where('workspace_id', '=', head.workspace_id)
          .where('delivery_id', '=', head.delivery_id)
          .execute();
        return [head];
      }),
    );
  }

  /**
   * One message per send (or a batch's worth of a profile's rows): a claim of 500 due rows at
   * most, 20 of a profile. A batching destination: a profile's rows up to a batch, and several
   * batches a claim, each sent in its own request.
   */
  private claimLimits(): ClaimLimits {
    const maxSize = this.batchSize();
    const limits =
      maxSize === undefined
        ? { dueRows: CLAIM_LIMIT, perProfile: 20, total: CLAIM_LIMIT }
        : { dueRows: CLAIM_LIMIT, perProfile: maxSize, total: Math.max(maxSize, BATCHED_CLAIM_LIMIT) };
    if (this.store.kind !== 'sqlite') return limits;
    // A slice at a time (batches of a slice at most); a profile's rows beyond it wait behind its
    // leased ones, so its order holds.
    return {
      dueRows: Math.min(limits.dueRows, SQLITE_CLAIM_SLICE),
      perProfile: Math.min(limits.perProfile, SQLITE_CLAIM_SLICE),
      total: Math.min(limits.total, SQLITE_CLAIM_SLICE),
    };
  }

  /** How long to let new rows gather before a claim (a batching webhook's `maxWaitMs`). */
  private lingerMs(): number {
    const batch = this.config.batch as { maxWaitMs?: number } | undefined;
    return Math.max(COALESCE_MS, batch?.maxWaitMs ?? 0);
  }

  /** The webhook's batch size, when it batches. */
  private batchSize(): number | undefined {
    const batch = this.config.batch as { maxSize?: number } | undefined;
    return batch ? Math.max(1, Math.min(batch.maxSize ?? 20, CLAIM_LIMIT)) : undefined;
  }

  private openTransport(): Promise<DestinationTransport> {
    if (!this.transport) {
      const kind = this.options.transports.get(this.destination.type);
      this.transport = kind
        ? kind.open({
            workspaceId: this.destination.workspaceId,
            destinationId: this.destination.id,
            config: this.config as never,
            allowPrivateNetworks: this.options.allowPrivateNetworks,
            log: this.options.log,
          })
        : Promise.reject(
            new Error(`No transport for ${this.destination.type as DestinationType} destinations`),
          );
      // A failed open is retried by the next send.
      this.transport.catch(() => {
        this.transport = undefined;
      });
    }
    return this.transport;
  }

  /** Consent and the profiles' existence re-checked, mappings applied, sent, outcomes recorded. */
  private async send(rows: DeliveryRow[]): Promise<void> {
    const { workspaceId } = this.destination;
    const skipped = new Map<string, string>();
    const survivors = await this.liveProfiles(rows.map((r) => r.profile_id));
    const allowed =
      this.destination.purposes.length > 0
        ? await this.options.consent(
            this.store.db,
            workspaceId,
            [...new Set([...survivors.values()])],
            this.destination.purposes,
          )
        : undefined;
    const messages: { row: DeliveryRow; message: DeliveryMessage }[] = [];
    const mappingFailures = new Map<string, string>();
    for (const row of rows) {
      const live = survivors.get(row.profile_id);
      if (live === undefined) {
        skipped.set(row.delivery_id, 'Not sent: the profile was deleted');
        continue;
      }
      // Without consent nothing is sent, except an exit: it takes the person off the destination's
      // list (an ad audience), so it goes with the identities that find them and no traits.
      const withdrawn = allowed !== undefined && !allowed.has(live);
      if (withdrawn && row.type !== 'audience.exited') {
        skipped.set(
          row.delivery_id,
          `Not sent: no consent for ${this.destination.purposes.join(', ')} (checked at send time)`,
        );
        continue;
      }
      const stored = withdrawn ? withoutTraits(row.body) : row.body;
      const message = {
        deliveryId: row.delivery_id,
        workspaceId,
        destinationId: this.destination.id,
        profileId: row.profile_id,
        type: row.type as DeliveryMessage['type'],
        occurredAt: row.occurred_at,
        attempt: Number(row.attempts) + 1,
      };
      if (row.mapping) {
        const mapped = await applyMapping(row.mapping, JSON.parse(stored) as Record<string, unknown>);
        if (!mapped.ok) {
          mappingFailures.set(row.delivery_id, mapped.error);
          continue;
        }
        messages.push({ row, message: { ...message, body: mapped.value as Record<string, unknown> } });
      } else messages.push({ row, message: withStoredBody(message, stored) });
    }
    let outcomes: DeliveryOutcome[] = [];
    let started = performance.now();
    if (messages.length > 0) {
      if (this.bucket) await this.bucket.take(messages.length);
      // A delivery's latency is the destination's: time waiting for the rate limit is not.
      started = performance.now();
      try {
        const transport = await this.openTransport();
        const signal = AbortSignal.timeout(this.options.sendTimeoutMs);
        // A batching destination: a batch per request, side by side, each profile's rows in one.
        const parts = batchesOf(
          messages.map((m) => m.message),
          this.batchSize(),
        );
        outcomes = (await Promise.all(parts.map((part) => transport.send(part, signal)))).flat();
      } catch (error) {
        const failure: DeliveryOutcome = {
          ok: false,
          retryable: true,
          error: `Could not open the destination: ${error instanceof Error ? error.message : String(error)}`,
        };
        outcomes = messages.map(() => failure);
      }
    }
    const sendMs = performance.now() - started;
    await this.record(
      messages.map((m, i) => ({
        row: m.row,
        outcome: outcomes[i] ?? { ok: false, retryable: true, error: 'The transport gave no outcome' },
      })),
      { skipped, mappingFailures, sendMs, rows },
    );
  }

  /** Each profile's live id (a merged-away one resolves to its survivor); deleted ones are absent. */
  private async liveProfiles(profileIds: readonly string[]): Promise<Map<string, string>> {
    const live = new Map<string, string>();
    for (const [profileId, mergedInto] of await mergedIntoOf(
      this.store.db,
      this.destination.workspaceId,
      profileIds,
    ))
      live.set(profileId, mergedInto ?? profileId);
    return live;
  }

  private async record(
    results: readonly { row: DeliveryRow; outcome: DeliveryOutcome }[],
    extra: {
      skipped: ReadonlyMap<string, string>;
      mappingFailures: ReadonlyMap<string, string>;
      sendMs: number;
      rows: readonly DeliveryRow[];
    },
  ): Promise<void> {
    const { clock, maxAttempts, maxAgeMs } = this.options;
    const now = clock();
    const nowText = new Date(now).toISOString();
    const latency = Math.round(extra.sendMs * 10) / 10;
    const delivered = results.filter((r) => r.outcome.ok);
    const attemptedFailures = results.filter((r) => !r.outcome.ok && !r.outcome.notAttempted);
    // The circuit: every message of a send failing retryably, several sends in a row.
    if (results.length > 0) {
      if (delivered.length > 0) {
        const wasOpen = this.failedSends >= CIRCUIT_FAILURES;
        this.failedSends = 0;
        this.probeDelayMs = 250;
        if (wasOpen) await this.unparkAll(nowText);
      } else if (
        attemptedFailures.length > 0 &&
        attemptedFailures.every((r) => !r.outcome.ok && r.outcome.retryable)
      ) {
        this.failedSends += 1;
        if (this.failedSends >= CIRCUIT_FAILURES) {
          this.circuitOpenUntil = now + jitter(this.probeDelayMs);
          this.probeDelayMs = Math.min(this.probeDelayMs * 2, MAX_PROBE_DELAY_MS);
        }
      }
    }
    const reports: AttemptReport[] = [];
    // PostgreSQL may abort it as a deadlock victim (parking touches rows a claim may hold):
    // tried again, since leased rows left unrecorded would wait for their lease to end.
    await retried(() =>
      this.inTurn(() =>
        writeTransaction(this.store, async (trx) => {
          reports.length = 0;
          // Rows given the same values are updated together: a batch costs a few statements.
          const updates = new RowUpdates();
          for (const { row, outcome } of delivered) {
            const values: RowValues = {
              status: 'delivered',
              attempts: 'next',
              last_status: outcome.status ?? null,
              last_error: null,
              latency_ms: latency,
              delivered_at: nowText,
              next_attempt_at: null,
              lease_until: null,
            };
            updates.add(values, row.delivery_id);
            reports.push(this.reportOf('delivered', now - Date.parse(row.created_at), extra.sendMs));
          }
          await updates.apply(trx, this.destination.workspaceId);
          // A delivered profile's parked rows are due now (they waited behind this one; the
          // rows of its failures below are still leased here, so not taken).
          const unpark = [...new Set(delivered.map((d) => d.row.profile_id))].filter((p) =>
            this.parked.delete(p),
          );
          for (const chunk of chunksOf(unpark)) {
            await trx
              .updateTable('deliveries')
              .set({ next_attempt_at: nowText })
              .where('destination_id', '=', this.destination.id)
              .where('profile_id', 'in', chunk)
              .where(UNSENT)
              .where('lease_until', 'is', null)
              .where('next_attempt_at', '>', nowText)
              .execute();
          }
          for (const [id, error] of extra.skipped) {
            updates.add(
              { status: 'skipped', last_error: error, next_attempt_at: null, lease_until: null },
              id,
            );
            reports.push(this.reportOf('skipped'));
          }
          for (const [id, error] of extra.mappingFailures) {
            updates.add({ status: 'dead', last_error: error, next_attempt_at: null, lease_until: null }, id);
            reports.push(this.reportOf('dead'));
          }
          // Failures: retried after a backoff (or Retry-After), or dead; a profile's later rows wait.
          const parkUntil = new Map<string, string>();
          const delays = new Map<number, number>();
          for (const { row, outcome } of results) {
            if (outcome.ok || outcome.notAttempted) continue;
            const attempts = Number(row.attempts) + 1;
            const tooOld = now - Date.parse(row.created_at) >= maxAgeMs;
            const dead = !outcome.retryable || attempts >= maxAttempts || tooOld;
            // One jittered backoff per attempt count in a send.
            if (!delays.has(attempts))
              delays.set(
                attempts,
                backoffMs(attempts, this.options.baseBackoffMs, this.options.maxBackoffMs),
              );
            const until = new Date(
              now + (outcome.retryAfterMs ?? (delays.get(attempts) as number)),
            ).toISOString();
            const values: RowValues = {
              status: dead ? 'dead' : 'failed',
              attempts,
              last_error:
                dead && outcome.retryable
                  ? `${outcome.error} (gave up after ${attempts} attempts)`
                  : outcome.error,
              last_status: outcome.status ?? null,
              latency_ms: latency,
              next_attempt_at: dead ? null : until,
              lease_until: null,
            };
            updates.add(values, row.delivery_id);
            reports.push(this.reportOf(dead ? 'dead' : 'failed'));
            if (!dead) {
              parkUntil.set(row.profile_id, until);
              this.parked.add(row.profile_id);
            }
          }
          // Not sent (behind a failed one of their profile): they wait as long as it does.
          for (const { row, outcome } of results) {
            if (outcome.ok || !outcome.notAttempted) continue;
            const until =
              parkUntil.get(row.profile_id) ?? new Date(now + this.options.baseBackoffMs).toISOString();
            updates.add({ next_attempt_at: until, lease_until: null }, row.delivery_id);
            this.parked.add(row.profile_id);
          }
          await updates.apply(trx, this.destination.workspaceId);
          // The profiles' later deliveries wait for their retried one.
          await parkProfiles(trx, this.destination.id, parkUntil);
        }),
      ),
    );
    for (const report of reports) this.dispatcher.report(report);
  }

  private reportOf(status: AttemptReport['status'], sinceCreatedMs?: number, sendMs?: number): AttemptReport {
    return {
      workspaceId: this.destination.workspaceId,
      destinationId: this.destination.id,
      status,
      ...(sinceCreatedMs === undefined ? {} : { sinceCreatedMs, sendMs }),
    };
  }

  /** The destination answers again: everything parked behind its failures is due now. */
  private async unparkAll(nowText: string): Promise<void> {
    this.parked.clear();
    await this.inTurn(() =>
      this.store.db
        .updateTable('deliveries')
        .set({ next_attempt_at: nowText })
        .where('destination_id', '=', this.destination.id)
        .where(UNSENT)
        .where('lease_until', 'is', null)
        .where('next_attempt_at', '>', nowText)
        .execute(),
    );
  }
}

/** Exponential backoff with jitter: between half and all of base·2^(attempt−1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

async function retried<T>(work: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

/**
 * A message whose body is the stored JSON text as written: parsed only when a transport reads
 * `body`; a transport sending JSON sends `rawBody` as is (the same text JSON.stringify gives).
 */
/** A stored body with the profile's traits left out (its id and identities kept). */
function withoutTraits(rawBody: string): string {
  const body = JSON.parse(rawBody) as { profile?: Record<string, unknown> };
  if (body.profile) body.profile = { ...body.profile, traits: {} };
  return JSON.stringify(body);
}

function withStoredBody(
  message: Omit<DeliveryMessage, 'body' | 'rawBody'>,
  rawBody: string,
): DeliveryMessage {
  let body: Record<string, unknown> | undefined;
  return Object.defineProperties(
    { ...message, rawBody },
    {
      body: {
        enumerable: true,
        get: () => {
          body ??= JSON.parse(rawBody) as Record<string, unknown>;
          return body;
        },
      },
    },
  ) as DeliveryMessage;
}

/**
 * Messages (each profile's together, in order) cut into consecutive parts of at most `size`,
 * never splitting a profile's: its rows arrive in one request, in order.
 */
function batchesOf(messages: readonly DeliveryMessage[], size: number | undefined): DeliveryMessage[][] {
  if (size === undefined || messages.length <= size) return [[...messages]];
  const parts: DeliveryMessage[][] = [];
  let part: DeliveryMessage[] = [];
  for (let i = 0; i < messages.length; ) {
    let end = i + 1;
    while (end < messages.length && messages[end]?.profileId === messages[i]?.profileId) end += 1;
    if (part.length > 0 && part.length + (end - i) > size) {
      parts.push(part);
      part = [];
    }
    part.push(...messages.slice(i, end));
    i = end;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

function jitter(ms: number): number {
  return Math.round(ms * (0.75 + Math.random() * 0.5));
}

/** Deliveries per second, at most: `take` waits until the tokens are there. */
class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  async take(count: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= Math.min(count, this.perSecond)) {
        this.tokens -= count;
        return;
      }
      const missing = Math.min(count, this.perSecond) - this.tokens;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((missing / this.perSecond) * 1000)));
    }
  }
}
