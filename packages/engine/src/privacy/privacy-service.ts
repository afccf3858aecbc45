import { randomBytes } from 'node:crypto';
import type {
  BulkPrivacyRequest,
  CreatePrivacyRequest,
  PrivacyIdentifier,
  PrivacyRequest,
  PrivacyRequestsQuery,
  ScopedDeletion,
  ScopedDeletionResult,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../destinations/index.js';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { eventSeqsInScope } from '../log/index.js';
import type { PersonDataHolder } from '../person-data/index.js';
import { type Database, nowIso, type Store, vacuumTables } from '../store/index.js';
import { IdentifierKeys, identifierHash } from './identifier-keys.js';
import { privacyRequestOf } from './privacy-request-rows.js';
import { downloadTokenHash, RequestRunner, type RequestToRun } from './request-runner.js';
import { SuppressionAdmission } from './suppression-admission.js';

export interface PrivacyServiceOptions {
  /** Every domain's person data, in the order a deletion removes it (engine.personData). */
  readonly holders: () => readonly PersonDataHolder[];
  readonly pipelinePassed: (headSeq: number) => Promise<void>;
  /** Removes events from the log and re-derives their profiles (the pipeline's removeEvents). */
  readonly removeEvents: (workspaceId: string, seqs: readonly number[]) => Promise<ScopedDeletionResult>;
  readonly secrets: SecretBox;
  /** How long an export stays downloadable. Default 7 days. */
  readonly exportTtlMs?: number | undefined;
  /** A running request's lease: past it, another process may take the request over. Default 10 min. */
  readonly leaseMs?: number | undefined;
  /** How often the worker looks for requests made by other processes. Default 2 s. */
  readonly pollMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
}

const EXPORT_TTL_MS = 7 * 86_400_000;
// Events removed (and their profiles re-derived) per transaction of a deletion by scope.
const SCOPE_CHUNK = 2000;
const SUPPRESS_TYPES = new Set(['suppress', 'suppress_and_delete']);

/**
 * Privacy requests: deletion, suppression, export and anonymization of a person, each recorded
 * with no personal data (the identifier only as a keyed hash), run by a worker that leases each
 * request so that, across processes, none runs twice at once.
 */
export class PrivacyService {
  readonly admission: SuppressionAdmission;
  private readonly keys: IdentifierKeys;
  private readonly runner: RequestRunner;
  private readonly db: Kysely<Database>;
  private readonly clock: () => number;
  private readonly leaseMs: number;
  private readonly owner = randomBytes(8).toString('hex');
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeSleeper: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: PrivacyServiceOptions,
  ) {
    this.db = store.db;
    this.clock = options.clock ?? Date.now;
    this.leaseMs = options.leaseMs ?? 600_000;
    this.keys = new IdentifierKeys(store.db, options.secrets);
    this.admission = new SuppressionAdmission(store.db, this.keys);
    this.runner = new RequestRunner({
      store,
      db: store.db,
      keys: this.keys,
      admission: this.admission,
      holders: options.holders,
      pipelinePassed: options.pipelinePassed,
      downloadPath: (token) => `/api/v1/privacy/exports/${token}`,
      exportTtlMs: options.exportTtlMs ?? EXPORT_TTL_MS,
      clock: this.clock,
    });
  }

  /** Records a request; a suppression applies at once, the rest when the worker runs it. */
  async create(
    workspaceId: string,
    input: CreatePrivacyRequest,
    requestedBy: string | null,
  ): Promise<PrivacyRequest> {
    const [created] = await this.createMany(workspaceId, input.type, [input.identifier], requestedBy);
    if (!created) throw new Error('no request created');
    return created;
  }

  /** One request per identifier (at most MAX_BULK_PRIVACY_IDENTIFIERS, checked by the contract). */
  async bulk(
    workspaceId: string,
    input: BulkPrivacyRequest,
    requestedBy: string | null,
  ): Promise<PrivacyRequest[]> {
    return this.createMany(workspaceId, input.type, input.identifiers, requestedBy);
  }

  async get(workspaceId: string, requestId: string): Promise<PrivacyRequest> {
    const row = await this.db
      .selectFrom('privacy_requests')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `No privacy request ${requestId}`);
    return privacyRequestOf(row);
  }

  /** Newest first, filtered by status and type. */
  async list(workspaceId: string, query: PrivacyRequestsQuery) {
    let select = this.db
      .selectFrom('privacy_requests')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('request_id', 'desc')
      .limit(query.limit + 1);
    if (query.status) select = select.where('status', '=', query.status);
    if (query.type) select = select.where('type', '=', query.type);
    if (query.cursor) select = select.where('request_id', '<', query.cursor);
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map(privacyRequestOf),
      nextCursor: rows.length > query.limit && last ? last.request_id : null,
    };
  }

  /**
   * Deletes the workspace's events in a scope (data that should never have been collected), in
   * chunks, each re-deriving the profiles it touched. Resolves to events and profiles affected.
   */
  async deleteInScope(workspaceId: string, scope: ScopedDeletion): Promise<ScopedDeletionResult> {
    const total = { events: 0, profiles: 0 };
    for (;;) {
      const seqs = await eventSeqsInScope(this.db, workspaceId, scope, SCOPE_CHUNK);
      if (seqs.length === 0) break;
      const removed = await this.options.removeEvents(workspaceId, seqs);
      total.events += removed.events;
      total.profiles += removed.profiles;
    }
    await vacuumTables(this.store, ['events', 'profile_events', 'profile_traits']);
    return total;
  }

  /** An export by its download token, while it has not expired. */
  async download(token: string, format: 'json' | 'html'): Promise<string> {
    // The token is the capability: its hash names one export of one workspace.
    const found = await this.db
      .selectFrom('privacy_exports')
      .select(['document', 'summary_html', 'expires_at'])
      .where('token_hash', '=', downloadTokenHash(token))
      .executeTakeFirst();
    if (!found || found.expires_at <= new Date(this.clock()).toISOString())
      throw new AppError('not_found', 'No such export, or it has expired');
    return format === 'json' ? found.document : found.summary_html;
  }

  /** Removes expired exports; resolves to how many. */
  async purgeExpiredExports(): Promise<number> {
    const deleted = await this.db
      .deleteFrom('privacy_exports')
      .where('expires_at', '<=', new Date(this.clock()).toISOString())
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Loads the suppressions; on PostgreSQL, keeps them fresh with other processes' changes. */
  async prepare(onError: (error: unknown) => void = () => {}): Promise<void> {
    await this.admission.loadAll();
    if (this.store.kind === 'postgres') this.admission.startRefreshing(5_000, onError);
  }

  /** Runs requests in the background until stopped; a failing request is marked failed, not retried. */
  start(onError: (error: unknown) => void = () => {}): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.purgeExpiredExports();
          if ((await this.runPending()) > 0) continue;
        } catch (error) {
          onError(error);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs ?? 2_000);
          this.wakeSleeper = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeSleeper = undefined;
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeSleeper?.();
    this.admission.stop();
    await this.loop;
  }

  /** Runs every request this process can claim, until none is left; resolves to how many ran. */
  async runPending(): Promise<number> {
    let ran = 0;
    for (;;) {
      const claimed = await this.claimNext();
      if (!claimed) return ran;
      await this.runClaimed(claimed);
      ran += 1;
    }
  }

  private async createMany(
    workspaceId: string,
    type: CreatePrivacyRequest['type'],
    identifiers: readonly PrivacyIdentifier[],
    requestedBy: string | null,
  ): Promise<PrivacyRequest[]> {
    const key = await this.keys.keyOf(workspaceId);
    const now = nowIso();
    const rows = identifiers.map((identifier) => {
      const requestId = newId('privacyRequest');
      return {
        workspace_id: workspaceId,
        request_id: requestId,
        type,
        identifier_type: identifier.type,
        identifier_hash: identifierHash(key, identifier),
        sealed_identifier: this.options.secrets.seal(
          JSON.stringify(identifier),
          sealContext(workspaceId, requestId),
        ),
        status: 'pending',
        report: JSON.stringify({ domains: {} }),
        requested_by: requestedBy,
        created_at: now,
        started_at: null,
        finished_at: null,
        lease_owner: null,
        lease_until: null,
      };
    });
    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < rows.length; start += 500) {
        const chunk = rows.slice(start, start + 500);
        await trx.insertInto('privacy_requests').values(chunk).execute();
        // Suppression takes effect before the answer: calls re-sent from now on are dropped.
        const suppressing = chunk.filter((row) => SUPPRESS_TYPES.has(row.type));
        if (suppressing.length > 0)
          await trx
            .insertInto('privacy_suppressions')
            .values(
              suppressing.map((row) => ({
                workspace_id: workspaceId,
                identifier_hash: row.identifier_hash,
                identifier_type: row.identifier_type,
                request_id: row.request_id,
                created_at: now,
              })),
            )
            .onConflict((oc) => oc.columns(['workspace_id', 'identifier_hash']).doNothing())
            .execute();
      }
    });
    if (SUPPRESS_TYPES.has(type)) await this.admission.reload(workspaceId);
    this.wakeSleeper?.();
    return rows.map(privacyRequestOf);
  }

  /**
   * Leases the oldest runnable request: pending, or running under a lease that ran out (its
   * process died). The conditional update is the claim: of processes racing, one wins.
   */
  private async claimNext(): Promise<RequestToRun | undefined> {
    const now = new Date(this.clock()).toISOString();
    // The worker's queue spans workspaces (like the pipeline's), each claim then names its own.
    const candidates = await this.db
      .selectFrom('privacy_requests')
      .select(['workspace_id', 'request_id'])
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
        ]),
      )
      .orderBy('created_at')
      .limit(20)
      .execute();
    for (const candidate of candidates) {
      const claimed = await this.db
        .updateTable('privacy_requests')
        .set({
          status: 'running',
          lease_owner: this.owner,
          lease_until: new Date(this.clock() + this.leaseMs).toISOString(),
          started_at: now,
        })
        .where('workspace_id', '=', candidate.workspace_id)
        .where('request_id', '=', candidate.request_id)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'pending'),
            eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
          ]),
        )
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      const row = await this.db
        .selectFrom('privacy_requests')
        .selectAll()
        .where('workspace_id', '=', candidate.workspace_id)
        .where('request_id', '=', candidate.request_id)
        .executeTakeFirstOrThrow();
      if (row.sealed_identifier === null) continue;
      const identifier = JSON.parse(
        this.options.secrets.open(row.sealed_identifier, sealContext(row.workspace_id, row.request_id)),
      ) as PrivacyIdentifier;
      return {
        workspaceId: row.workspace_id,
        requestId: row.request_id,
        type: row.type as RequestToRun['type'],
        identifier,
        identifierHash: row.identifier_hash,
      };
    }
    return undefined;
  }

  /** Runs a claimed request and records its outcome; the sealed identifier goes with it. */
  private async runClaimed(request: RequestToRun): Promise<void> {
    let status: 'done' | 'failed' = 'done';
    let report: object;
    try {
      report = await this.runner.run(request);
    } catch (error) {
      status = 'failed';
      // The message of a failure names what broke, never the person (holders do not put data in errors).
      report = { domains: {}, error: error instanceof Error ? error.message : String(error) };
    }
    await this.db
      .updateTable('privacy_requests')
      .set({
        status,
        report: JSON.stringify(report),
        sealed_identifier: null,
        finished_at: new Date(this.clock()).toISOString(),
        lease_owner: null,
        lease_until: null,
      })
      .where('workspace_id', '=', request.workspaceId)
      .where('request_id', '=', request.requestId)
      .where('lease_owner', '=', this.owner)
      .execute();
  }
}

function sealContext(workspaceId: string, requestId: string): string {
  return `privacy-request:${workspaceId}:${requestId}`;
}
