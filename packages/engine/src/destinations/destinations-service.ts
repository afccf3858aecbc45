import {
  type CreateDestination,
  CreateDestinationSchema,
  type DeliveryCounts,
  type DeliveryDetail,
  type DeliveryListQuery,
  type Destination,
  DestinationLimitsSchema,
  type DestinationTestRequest,
  DestinationTestRequestSchema,
  type DestinationTestResult,
  type ErrorDetail,
  type ReplayRequest,
  type StoredEvent,
  type Subscription,
  type UpdateDestination,
  UpdateDestinationSchema,
} from '@tandem/contract';
import { purposeKeysOf } from '../consent/index.js';
import { AppError, Readers, type ReadersOf, type Result } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { nowIso, type Store } from '../store/index.js';
import { audienceBody, deliveryIdOf, eventBody, type ProfileSection, traitBody } from './delivery-bodies.js';
import { splitSecrets, validateConfig, withStoredSecrets } from './destination-config.js';
import {
  type DestinationRow,
  deliveryDetailOf,
  deliveryOf,
  destinationAnswer,
  NO_DELIVERIES,
  type StoredDestination,
  storedDestinationOf,
} from './destination-rows.js';
import { applyMapping } from './mapping.js';
import type { SecretBox } from './secret-box.js';
import { compileSubscriptions } from './subscriptions.js';
import type { DeliveryMessage, DeliveryOutcome, DestinationTransport, TransportKind } from './transport.js';

export interface DestinationsServiceDeps {
  readonly secrets: SecretBox;
  readonly transports: ReadonlyMap<string, TransportKind>;
  readonly allowPrivateNetworks: boolean;
  readonly clock: () => number;
  /** Called when deliveries become due outside the stage (a replay): wakes the dispatcher. */
  readonly onDue: (destinationIds: readonly string[]) => void;
  /** Called when a destination was edited or deleted: senders drop what they kept of it. */
  readonly onChanged: () => Promise<void>;
  /** Per-request time limit of a test send. */
  readonly sendTimeoutMs: number;
}

/**
 * Why a definition was refused: malformed (`validation_failed`), or naming what the workspace
 * does not have, such as a consent purpose (`unprocessable`, as for an audience's purpose).
 */
export interface DestinationRefusal {
  readonly code: 'validation_failed' | 'unprocessable';
  readonly details: ErrorDetail[];
}

/** What a test did: a send, or for a destination that keeps what it receives, a check of it. */
type TestOutcome = DeliveryOutcome & { readonly checked?: string | undefined };

const NO_OUTCOME: DeliveryOutcome = { ok: false, retryable: false, error: 'The transport gave no outcome' };

/** Destinations: definitions (secrets sealed), the delivery log, replays and test sends. */
export class DestinationsService {
  /** Journeys that send webhooks through a destination (registered by the engine). */
  private readonly readers = new Readers();

  constructor(
    private readonly store: Store,
    private readonly deps: DestinationsServiceDeps,
  ) {}

  async create(
    workspaceId: string,
    input: CreateDestination,
  ): Promise<Result<Destination, DestinationRefusal>> {
    const parsed = CreateDestinationSchema.parse(input);
    const checked = await this.check(workspaceId, parsed.type, parsed.config, parsed.subscriptions);
    if (!checked.ok) return { ok: false, error: { code: 'validation_failed', details: checked.error } };
    const unknown = await this.unknownPurposes(workspaceId, parsed.purposes);
    if (unknown) return unknown;
    const destinationId = newId('destination');
    const now = nowIso(this.deps.clock);
    const { clear, secrets } = splitSecrets(parsed.type, checked.value);
    const row: DestinationRow = {
      workspace_id: workspaceId,
      destination_id: destinationId,
      name: parsed.name,
      type: parsed.type,
      config: JSON.stringify(clear),
      secrets: this.sealSecrets(workspaceId, destinationId, secrets),
      purposes: JSON.stringify(parsed.purposes),
      subscriptions: JSON.stringify(parsed.subscriptions),
      enabled: parsed.enabled ? 1 : 0,
      limits: JSON.stringify(DestinationLimitsSchema.parse(parsed.limits ?? {})),
      created_at: now,
      updated_at: now,
    };
    await this.store.db.insertInto('destinations').values(row).execute();
    return { ok: true, value: destinationAnswer(storedDestinationOf(row), secrets, NO_DELIVERIES) };
  }

  async list(workspaceId: string, page: { limit: number; cursor?: string | undefined }) {
    let query = this.store.db
      .selectFrom('destinations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('destination_id')
      .limit(page.limit + 1);
    if (page.cursor !== undefined) query = query.where('destination_id', '>', page.cursor);
    const rows = await query.execute();
    const kept = rows.slice(0, page.limit);
    const counts = await this.counts(
      workspaceId,
      kept.map((r) => r.destination_id),
    );
    const data = kept.map((row) => this.answerOf(row, counts.get(row.destination_id) ?? NO_DELIVERIES));
    return { data, nextCursor: rows.length > page.limit ? (data.at(-1)?.id ?? null) : null };
  }

  /** The destinations whose trait subscriptions name this computed trait, as `destination "name"`. */
  async readersOfTrait(workspaceId: string, traitName: string): Promise<string[]> {
    return this.subscribedWhere(
      workspaceId,
      (s) => s.kind === 'trait' && s.traits?.includes(traitName) === true,
    );
  }

  /** The destinations subscribed to this audience's entries or exits, as `destination "name"`. */
  async readersOfAudience(workspaceId: string, audienceId: string): Promise<string[]> {
    return this.subscribedWhere(workspaceId, (s) => s.kind === 'audience' && s.audienceId === audienceId);
  }

  /** The destinations that send only to people granting this purpose, as `destination "name"`. */
  readersOfPurpose(workspaceId: string, key: string): Promise<string[]> {
    return this.namesWhere(workspaceId, (d) => d.purposes.includes(key));
  }

  private subscribedWhere(
    workspaceId: string,
    matches: (subscription: StoredDestination['subscriptions'][number]) => boolean,
  ): Promise<string[]> {
    return this.namesWhere(workspaceId, (d) => d.subscriptions.some(matches));
  }

  /** The workspace's destinations that `matches`, as `destination "name"`, by name. */
  private async namesWhere(workspaceId: string, matches: (destination: StoredDestination) => boolean) {
    const rows = await this.store.db
      .selectFrom('destinations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows
      .map(storedDestinationOf)
      .filter(matches)
      .map((d) => `destination "${d.name}"`);
  }

  async get(workspaceId: string, destinationId: string): Promise<Destination> {
    const row = await this.row(workspaceId, destinationId);
    const counts = await this.counts(workspaceId, [destinationId]);
    return this.answerOf(row, counts.get(destinationId) ?? NO_DELIVERIES);
  }

  async update(
    workspaceId: string,
    destinationId: string,
    input: UpdateDestination,
  ): Promise<Result<Destination, DestinationRefusal>> {
    const patch = UpdateDestinationSchema.parse(input);
    const row = await this.row(workspaceId, destinationId);
    const stored = storedDestinationOf(row);
    const storedConfig = { ...stored.clearConfig, ...this.openSecrets(stored) };
    const config = patch.config ? withStoredSecrets(stored.type, patch.config, storedConfig) : storedConfig;
    const subscriptions = patch.subscriptions ?? stored.subscriptions;
    const checked = await this.check(workspaceId, stored.type, config, subscriptions);
    if (!checked.ok) return { ok: false, error: { code: 'validation_failed', details: checked.error } };
    // Purposes it already had pass: one removed from consent since must not block every edit.
    const unknown = patch.purposes
      ? await this.unknownPurposes(workspaceId, patch.purposes, stored.purposes)
      : undefined;
    if (unknown) return unknown;
    const { clear, secrets } = splitSecrets(stored.type, checked.value);
    const next: DestinationRow = {
      ...row,
      name: patch.name ?? row.name,
      config: JSON.stringify(clear),
      secrets: this.sealSecrets(workspaceId, destinationId, secrets),
      purposes: patch.purposes ? JSON.stringify(patch.purposes) : row.purposes,
      subscriptions: JSON.stringify(subscriptions),
      enabled: patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0,
      limits: patch.limits ? JSON.stringify(DestinationLimitsSchema.parse(patch.limits)) : row.limits,
      updated_at: nowIso(this.deps.clock),
    };
    const { workspace_id, destination_id, created_at, ...changes } = next;
    await this.store.db
      .updateTable('destinations')
      .set(changes)
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .execute();
    // Sends from now on use the new definition (purposes, config); re-enabled, what waited is due.
    await this.deps.onChanged();
    if (patch.enabled === true) this.deps.onDue([destinationId]);
    return { ok: true, value: await this.get(workspaceId, destinationId) };
  }

  /** Others that send through a destination keep it: a journey's webhook step would fail every send. */
  onReaders(readersOf: ReadersOf): void {
    this.readers.add(readersOf);
  }

  /**
   * Deletes a destination no journey sends through (409 naming them otherwise) and its delivery
   * log: nothing more is sent to it.
   */
  async delete(workspaceId: string, destinationId: string): Promise<void> {
    const destination = await this.row(workspaceId, destinationId);
    await this.readers.refuseDeletingWhileUsed(
      workspaceId,
      destinationId,
      `The destination "${destination.name}"`,
    );
    await this.store.db.transaction().execute(async (trx) => {
      // The destination first: on PostgreSQL this waits for a delivery-stage batch that read it
      // (see DeliveryStage.subscribed), whose rows the next statement then sees and deletes.
      await trx
        .deleteFrom('destinations')
        .where('workspace_id', '=', workspaceId)
        .where('destination_id', '=', destinationId)
        .execute();
      await trx
        .deleteFrom('deliveries')
        .where('workspace_id', '=', workspaceId)
        .where('destination_id', '=', destinationId)
        .execute();
    });
    await this.deps.onChanged();
  }

  /** The delivery log, newest first, optionally of one status. */
  async deliveries(workspaceId: string, destinationId: string, query: DeliveryListQuery) {
    await this.row(workspaceId, destinationId);
    let select = this.store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .orderBy('created_at', 'desc')
      .orderBy('delivery_id', 'desc')
      .limit(query.limit + 1);
    if (query.status) select = select.where('status', '=', query.status);
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor);
      select = select.where((eb) =>
        eb.or([
          eb('created_at', '<', createdAt),
          eb.and([eb('created_at', '=', createdAt), eb('delivery_id', '<', id)]),
        ]),
      );
    }
    const rows = await select.execute();
    const kept = rows.slice(0, query.limit);
    const last = kept.at(-1);
    return {
      data: kept.map(deliveryOf),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.delivery_id) : null,
    };
  }

  async delivery(workspaceId: string, destinationId: string, deliveryId: string): Promise<DeliveryDetail> {
    const row = await this.store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Delivery ${deliveryId} not found`);
    return deliveryDetailOf(row);
  }

  /**
   * Makes deliveries due again, same ids, attempts from 1: the listed ones, else those of the
   * statuses asked (default dead) created in [since, until). Consent is checked again at send.
   */
  async replay(
    workspaceId: string,
    destinationId: string,
    request: ReplayRequest,
  ): Promise<{ replayed: number }> {
    await this.row(workspaceId, destinationId);
    const now = nowIso(this.deps.clock);
    let update = this.store.db
      .updateTable('deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, delivered_at: null, lease_until: null })
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId);
    if (request.deliveryIds) {
      update = update.where('delivery_id', 'in', request.deliveryIds).where('status', '!=', 'pending');
    } else {
      update = update.where('status', 'in', request.status ?? ['dead']);
      if (request.since) update = update.where('created_at', '>=', new Date(request.since).toISOString());
      if (request.until) update = update.where('created_at', '<', new Date(request.until).toISOString());
    }
    const result = await update.executeTakeFirst();
    const replayed = Number(result.numUpdatedRows);
    if (replayed > 0) this.deps.onDue([destinationId]);
    return { replayed };
  }

  /**
   * The body a sample would send (mapping applied), and with `send`, one real send of it; a
   * destination that keeps what it receives (a warehouse, audience files) is checked instead, so
   * no sample stays in it.
   */
  async test(
    workspaceId: string,
    destinationId: string,
    input: DestinationTestRequest,
  ): Promise<DestinationTestResult> {
    const request = DestinationTestRequestSchema.parse(input);
    const stored = storedDestinationOf(await this.row(workspaceId, destinationId));
    if (request.subscription !== undefined && request.subscription >= stored.subscriptions.length)
      throw new AppError(
        'validation_failed',
        `subscription: the destination has no subscription ${request.subscription}`,
        {
          details: [{ path: 'subscription', message: 'no such subscription' }],
        },
      );
    const subscription =
      request.subscription === undefined
        ? stored.subscriptions[0]
        : stored.subscriptions[request.subscription];
    const deliveryId = `test_${newId('event').slice(4)}`;
    const body = sampleBody(subscription?.kind ?? 'event', request.sample, deliveryId, this.deps.clock());
    const mapping = request.mapping ?? subscription?.mapping;
    const mapped = mapping ? await applyMapping(mapping, body) : { ok: true as const, value: body };
    const result: DestinationTestResult = {
      body,
      mapped: mapped.ok ? mapped.value : null,
      mappingError: mapped.ok ? null : mapped.error,
    };
    if (!request.send || !mapped.ok) return result;
    const message: DeliveryMessage = {
      deliveryId,
      workspaceId,
      destinationId,
      profileId: (body.profile as ProfileSection).id,
      type: body.type as DeliveryMessage['type'],
      occurredAt: String(body.occurredAt),
      body: mapped.value as Record<string, unknown>,
      attempt: 1,
    };
    const started = performance.now();
    const outcome = await this.testOnce(stored, message);
    return {
      ...result,
      sent: {
        ok: outcome.ok,
        status: outcome.status ?? null,
        error: outcome.ok ? null : outcome.error,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        ...(outcome.checked === undefined ? {} : { checked: outcome.checked }),
      },
    };
  }

  /** A mapping tried on a sample, no destination involved. */
  async mappingTest(input: { mapping: string; sample?: Record<string, unknown> | undefined }) {
    const body = sampleBody('event', input.sample, 'dlv_sample', this.deps.clock());
    const mapped = await applyMapping(input.mapping, body);
    return { body, mapped: mapped.ok ? mapped.value : null, mappingError: mapped.ok ? null : mapped.error };
  }

  /** A destination as the dispatcher sends to it: configuration with secrets opened. */
  async forSending(
    workspaceId: string,
    destinationId: string,
  ): Promise<{ stored: StoredDestination; config: Record<string, unknown> } | undefined> {
    const row = await this.store.db
      .selectFrom('destinations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .executeTakeFirst();
    if (!row) return undefined;
    const stored = storedDestinationOf(row);
    return { stored, config: { ...stored.clearConfig, ...this.openSecrets(stored) } };
  }

  /** Deliveries by status of some destinations. */
  async counts(workspaceId: string, destinationIds: readonly string[]): Promise<Map<string, DeliveryCounts>> {
    const counts = new Map<string, DeliveryCounts>();
    if (destinationIds.length === 0) return counts;
    const rows = await this.store.db
      .selectFrom('deliveries')
      .select((eb) => ['destination_id', 'status', eb.fn.countAll().as('count')])
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', 'in', destinationIds)
      .groupBy(['destination_id', 'status'])
      .execute();
    for (const row of rows) {
      const of = counts.get(row.destination_id) ?? { ...NO_DELIVERIES };
      if (row.status in of) of[row.status as keyof DeliveryCounts] = Number(row.count);
      counts.set(row.destination_id, of);
    }
    return counts;
  }

  /** One message sent at once, outside the outbox (a test send, a deletion notice). */
  async sendOnce(stored: StoredDestination, message: DeliveryMessage): Promise<DeliveryOutcome> {
    return this.withTransport(stored, async (transport) => {
      const [outcome] = await transport.send([message], AbortSignal.timeout(this.deps.sendTimeoutMs));
      return outcome ?? NO_OUTCOME;
    });
  }

  /** A test's send, or the check of a transport that offers one (it would keep the sample). */
  private testOnce(stored: StoredDestination, message: DeliveryMessage): Promise<TestOutcome> {
    return this.withTransport<TestOutcome>(stored, async (transport) => {
      const signal = AbortSignal.timeout(this.deps.sendTimeoutMs);
      if (!transport.check) return (await transport.send([message], signal))[0] ?? NO_OUTCOME;
      const found = await transport.check(signal);
      return found.ok
        ? { ok: true, checked: found.checked }
        : { ok: false, retryable: false, error: found.error, checked: found.checked };
    });
  }

  /** Opens a transport to the destination for one use, closed after it. */
  private async withTransport<T extends DeliveryOutcome>(
    stored: StoredDestination,
    use: (transport: DestinationTransport) => Promise<T>,
  ): Promise<T | DeliveryOutcome> {
    const kind = this.deps.transports.get(stored.type);
    if (!kind)
      return { ok: false, retryable: false, error: `No transport for ${stored.type} destinations here` };
    const config = { ...stored.clearConfig, ...this.openSecrets(stored) };
    const transport = await kind.open({
      workspaceId: stored.workspaceId,
      destinationId: stored.id,
      config: config as never,
      allowPrivateNetworks: this.deps.allowPrivateNetworks,
      log: () => {},
    });
    try {
      return await use(transport);
    } finally {
      await transport.close();
    }
  }

  /**
   * The purposes that are not consent purposes of the workspace (nor among `kept`), each named by
   * its place: an unknown purpose is granted by no one, so every delivery would be skipped.
   */
  private async unknownPurposes(
    workspaceId: string,
    purposes: readonly string[],
    kept: readonly string[] = [],
  ): Promise<{ ok: false; error: DestinationRefusal } | undefined> {
    if (purposes.every((purpose) => kept.includes(purpose))) return undefined;
    const known = new Set([...(await purposeKeysOf(this.store.db, workspaceId)), ...kept]);
    const details = purposes.flatMap((purpose, i) =>
      known.has(purpose) ? [] : [{ path: `purposes.${i}`, message: `no consent purpose "${purpose}"` }],
    );
    return details.length === 0 ? undefined : { ok: false, error: { code: 'unprocessable', details } };
  }

  private async check(
    workspaceId: string,
    type: CreateDestination['type'],
    config: unknown,
    subscriptions: readonly Subscription[],
  ): Promise<Result<Record<string, unknown>, ErrorDetail[]>> {
    const issues: ErrorDetail[] = [];
    const validConfig = validateConfig(type, config, this.deps.allowPrivateNetworks);
    if (!validConfig.ok) issues.push(...validConfig.error);
    const compiled = compileSubscriptions(subscriptions);
    if (!compiled.ok) issues.push(...compiled.error);
    const audienceIds = [
      ...new Set(subscriptions.flatMap((s) => (s.kind === 'audience' ? [s.audienceId] : []))),
    ];
    if (audienceIds.length > 0) {
      const known = new Set(
        (
          await this.store.db
            .selectFrom('audiences')
            .select('audience_id')
            .where('workspace_id', '=', workspaceId)
            .where('audience_id', 'in', audienceIds)
            .execute()
        ).map((r) => r.audience_id),
      );
      subscriptions.forEach((s, i) => {
        if (s.kind === 'audience' && !known.has(s.audienceId))
          issues.push({
            path: `subscriptions.${i}.audienceId`,
            message: `no audience ${s.audienceId} in this workspace`,
          });
      });
    }
    if (issues.length > 0) return { ok: false, error: issues };
    return { ok: true, value: validConfig.ok ? (validConfig.value as Record<string, unknown>) : {} };
  }

  private async row(workspaceId: string, destinationId: string): Promise<DestinationRow> {
    const row = await this.store.db
      .selectFrom('destinations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('destination_id', '=', destinationId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Destination ${destinationId} not found`);
    return row;
  }

  private answerOf(row: DestinationRow, counts: DeliveryCounts): Destination {
    const stored = storedDestinationOf(row);
    return destinationAnswer(stored, this.openSecrets(stored), counts);
  }

  private sealSecrets(
    workspaceId: string,
    destinationId: string,
    secrets: Record<string, unknown>,
  ): string | null {
    if (Object.keys(secrets).length === 0) return null;
    return this.deps.secrets.seal(JSON.stringify(secrets), `${workspaceId}/${destinationId}`);
  }

  private openSecrets(stored: StoredDestination): Record<string, unknown> {
    if (!stored.sealedSecrets) return {};
    return JSON.parse(this.deps.secrets.open(stored.sealedSecrets, `${stored.workspaceId}/${stored.id}`));
  }
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id) throw new AppError('validation_failed', 'cursor: not a cursor of this list');
  return [createdAt, id];
}

/** The body of a sample cause of a subscription's kind. */
function sampleBody(
  kind: 'event' | 'audience' | 'trait',
  sample: Record<string, unknown> | undefined,
  deliveryId: string,
  now: number,
): Record<string, unknown> {
  const at = new Date(now).toISOString();
  const traits =
    sample && typeof sample.traits === 'object' && sample.traits !== null
      ? (sample.traits as Record<string, unknown>)
      : { email: 'ada@example.com', name: 'Ada Lovelace' };
  const profile: ProfileSection = {
    id: 'prof_sample',
    traits,
    identities: [{ type: 'email', value: String(traits.email ?? 'ada@example.com') }],
  };
  if (kind === 'audience')
    return audienceBody('entered', { id: 'aud_sample', name: 'Sample audience' }, profile, at, deliveryId);
  if (kind === 'trait')
    return traitBody(
      { id: 'ctr_sample', name: 'orders_30d', value: 3, previous: 2 },
      profile,
      at,
      deliveryId,
    );
  const type = typeof sample?.type === 'string' ? sample.type : 'track';
  const event: StoredEvent = {
    id: 'evt_sample',
    seq: 0,
    sourceId: 'src_sample',
    messageId: typeof sample?.messageId === 'string' ? sample.messageId : 'sample',
    type: type as StoredEvent['type'],
    event: type === 'track' ? (typeof sample?.event === 'string' ? sample.event : 'Order Completed') : null,
    userId: typeof sample?.userId === 'string' ? sample.userId : 'user-1',
    anonymousId: typeof sample?.anonymousId === 'string' ? sample.anonymousId : null,
    timestamp: at,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: at,
    payload: sample ?? {
      type: 'track',
      event: 'Order Completed',
      properties: { total: 42, currency: 'EUR' },
    },
  };
  return eventBody(event, profile, deliveryId);
}

export { deliveryIdOf };
