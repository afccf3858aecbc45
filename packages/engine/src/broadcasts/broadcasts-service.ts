import type { Broadcast, CreateBroadcastSchema } from '@tandem/contract';
import { sql } from 'kysely';
import type { z } from 'zod';
import {
  type EmailQueue,
  type EmailTemplatesService,
  emailCountsByOrigin,
  hasPendingMessages,
  withdrawQueued,
} from '../email/index.js';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import {
  type Database,
  keysetAfter,
  keysetPage,
  keysetPositionOf,
  nowIso,
  type Store,
  writeTransaction,
} from '../store/index.js';

type Row = Database['broadcasts'];
type CreateBroadcast = z.output<typeof CreateBroadcastSchema>;

/** The audiences domain, as broadcasts read it. */
export interface BroadcastAudiences {
  exists(workspaceId: string, audienceId: string): Promise<boolean>;
  /** Current members by profile id, after `cursor`. */
  members(
    workspaceId: string,
    audienceId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ data: { profileId: string }[]; nextCursor: string | null }>;
}

export interface BroadcastsDeps {
  readonly store: Store;
  readonly templates: EmailTemplatesService;
  readonly queue: EmailQueue;
  readonly audiences: BroadcastAudiences;
  readonly clock?: (() => number) | undefined;
}

export interface BroadcastsOptions {
  /** Members queued per transaction. Default 1000. */
  readonly chunkSize?: number | undefined;
  /** Time between looks for due broadcasts. Default 1 s. */
  readonly pollMs?: number | undefined;
}

/**
 * Broadcasts: one template to an audience's members, at a time. At `sendAt` the scheduler
 * queues the members in chunks, each chunk in a short transaction with the position it reached
 * (so a restart resumes where it stopped), their `not_before` spread by `perMinute`; the sender
 * does the rest. A broadcast is `sent` once every member is queued and none of its messages waits.
 */
export class BroadcastsService {
  private readonly clock: () => number;
  private readonly chunkSize: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly finishedChecks = new Map<string, number>();

  constructor(
    private readonly deps: BroadcastsDeps,
    private readonly options: BroadcastsOptions = {},
  ) {
    this.clock = deps.clock ?? Date.now;
    this.chunkSize = options.chunkSize ?? 1000;
  }

  async create(workspaceId: string, input: CreateBroadcast, actorId: string | null): Promise<Broadcast> {
    if (!(await this.deps.templates.exists(workspaceId, input.templateId)))
      unprocessable('templateId', `There is no email template ${input.templateId}.`);
    if (!(await this.deps.audiences.exists(workspaceId, input.audienceId)))
      unprocessable('audienceId', `There is no audience ${input.audienceId}.`);
    const template = await this.deps.templates.get(workspaceId, input.templateId);
    const at = nowIso(this.clock);
    const broadcastId = newId('broadcast');
    await this.deps.store.db
      .insertInto('broadcasts')
      .values({
        workspace_id: workspaceId,
        broadcast_id: broadcastId,
        name: input.name ?? template.name,
        template_id: input.templateId,
        audience_id: input.audienceId,
        status: 'scheduled',
        send_at: input.sendAt ? new Date(input.sendAt).toISOString() : at,
        per_minute: input.perMinute ?? null,
        recipients: 0,
        cursor: null,
        queued_at: null,
        created_by: actorId,
        created_at: at,
        started_at: null,
        finished_at: null,
      })
      .execute();
    // Sent now: do not wait for the next poll.
    if (this.timer) this.tick();
    return this.get(workspaceId, broadcastId);
  }

  /** The broadcasts still to send (scheduled or sending) to this audience, as `broadcast "name"`. */
  readersOfAudience(workspaceId: string, audienceId: string): Promise<string[]> {
    return this.readersWhere(workspaceId, 'audience_id', audienceId);
  }

  /** Broadcasts still to send with this template, as `broadcast "name"`. */
  readersOfTemplate(workspaceId: string, templateId: string): Promise<string[]> {
    return this.readersWhere(workspaceId, 'template_id', templateId);
  }

  /** Broadcasts still to send (scheduled or sending) whose `column` is `id`, as `broadcast "name"`. */
  private async readersWhere(
    workspaceId: string,
    column: 'audience_id' | 'template_id',
    id: string,
  ): Promise<string[]> {
    const rows = await this.deps.store.db
      .selectFrom('broadcasts')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .where(column, '=', id)
      .where('status', 'in', ['scheduled', 'sending'])
      .orderBy('name')
      .execute();
    return rows.map((row) => `broadcast "${row.name}"`);
  }

  /** Newest first, a page at a time: the cursor is the last broadcast's creation time and id. */
  async list(
    workspaceId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ data: Broadcast[]; nextCursor: string | null }> {
    let query = this.deps.store.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('broadcast_id', 'desc')
      .limit(page.limit + 1);
    if (page.cursor) {
      const position = keysetPositionOf(page.cursor);
      query = query.where((eb) =>
        keysetAfter(eb, sql.ref('created_at'), sql.ref('broadcast_id'), 'desc', position),
      );
    }
    const { rows, nextCursor } = keysetPage(await query.execute(), page.limit, (row) => ({
      key: row.created_at,
      id: row.broadcast_id,
    }));
    return { data: await Promise.all(rows.map((row) => this.withCounts(row))), nextCursor };
  }

  async get(workspaceId: string, broadcastId: string): Promise<Broadcast> {
    return this.withCounts(await this.row(workspaceId, broadcastId));
  }

  /** Stops a broadcast: members not queued yet never are; queued messages are withdrawn. */
  async cancel(workspaceId: string, broadcastId: string): Promise<Broadcast> {
    await writeTransaction(this.deps.store, async (trx) => {
      const row = await trx
        .selectFrom('broadcasts')
        .select('status')
        .where('workspace_id', '=', workspaceId)
        .where('broadcast_id', '=', broadcastId)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', `Broadcast ${broadcastId} not found`);
      if (row.status === 'sent' || row.status === 'cancelled')
        throw new AppError('conflict', `Broadcast ${broadcastId} is already ${row.status}`);
      const at = nowIso(this.clock);
      await trx
        .updateTable('broadcasts')
        .set({ status: 'cancelled', finished_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('broadcast_id', '=', broadcastId)
        .execute();
      await withdrawQueued(trx, workspaceId, 'broadcast', broadcastId, 'broadcast cancelled');
    });
    return this.get(workspaceId, broadcastId);
  }

  /** Runs the scheduler every poll interval; failures go to `onError`. */
  start(onError?: (error: unknown) => void): void {
    if (this.timer) return;
    this.onError = onError;
    this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 1000);
    this.timer.unref();
    this.tick();
  }

  private onError: ((error: unknown) => void) | undefined;

  private tick(): void {
    if (this.running) return;
    this.running = this.runDue()
      .then(() => undefined, this.onError ?? (() => undefined))
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * One pass: starts due broadcasts, queues their members, marks finished ones sent. Across
   * workspaces on purpose (the process's scheduler); every write is scoped by the row's workspace.
   */
  async runDue(): Promise<void> {
    const now = this.clock();
    const due = await this.deps.store.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('status', 'in', ['scheduled', 'sending'])
      .where('send_at', '<=', new Date(now).toISOString())
      .orderBy('send_at')
      .limit(100)
      .execute();
    for (const broadcast of due) {
      if (broadcast.queued_at === null) await this.queueMembers(broadcast);
      else await this.finishIfDone(broadcast, now);
    }
  }

  /** Queues every member not queued yet, chunk by chunk, each with the position it reached. */
  private async queueMembers(broadcast: Row): Promise<void> {
    const { workspace_id: workspaceId, broadcast_id: broadcastId } = broadcast;
    const startMs = Date.parse(broadcast.send_at ?? broadcast.created_at);
    let cursor = broadcast.cursor ?? undefined;
    let queued = Number(broadcast.recipients);
    if (broadcast.status === 'scheduled')
      await this.deps.store.db
        .updateTable('broadcasts')
        .set({ status: 'sending', started_at: nowIso(this.clock) })
        .where('workspace_id', '=', workspaceId)
        .where('broadcast_id', '=', broadcastId)
        .where('status', '=', 'scheduled')
        .execute();
    for (;;) {
      const page = await this.deps.audiences
        .members(workspaceId, broadcast.audience_id, { limit: this.chunkSize, cursor })
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'not_found') return { data: [], nextCursor: null };
          throw error;
        });
      const last = page.data.at(-1)?.profileId;
      const perMinute = broadcast.per_minute === null ? null : Number(broadcast.per_minute);
      const stillSending = await writeTransaction(this.deps.store, async (trx) => {
        const current = await trx
          .selectFrom('broadcasts')
          .select('status')
          .where('workspace_id', '=', workspaceId)
          .where('broadcast_id', '=', broadcastId)
          .executeTakeFirst();
        if (current?.status !== 'sending') return false;
        await this.deps.queue.enqueue(
          trx,
          page.data.map((member, i) => ({
            workspaceId,
            profileId: member.profileId,
            templateId: broadcast.template_id,
            origin: { kind: 'broadcast', id: broadcastId },
            // Send-time throttling: the n-th member not before start + n / perMinute minutes.
            notBefore:
              perMinute === null ? startMs : startMs + Math.floor(((queued + i) * 60_000) / perMinute),
          })),
        );
        const done = page.nextCursor === null;
        await trx
          .updateTable('broadcasts')
          .set({
            recipients: queued + page.data.length,
            cursor: last ?? cursor ?? null,
            ...(done ? { queued_at: nowIso(this.clock) } : {}),
          })
          .where('workspace_id', '=', workspaceId)
          .where('broadcast_id', '=', broadcastId)
          .execute();
        return true;
      });
      if (!stillSending) return;
      queued += page.data.length;
      cursor = last ?? cursor;
      if (page.nextCursor === null) return;
    }
  }

  /** Marks a fully queued broadcast sent once none of its messages waits (checked every few seconds). */
  private async finishIfDone(broadcast: Row, now: number): Promise<void> {
    const key = `${broadcast.workspace_id}:${broadcast.broadcast_id}`;
    if (now - (this.finishedChecks.get(key) ?? 0) < 2000) return;
    this.finishedChecks.set(key, now);
    const db = this.deps.store.db;
    if (await hasPendingMessages(db, broadcast.workspace_id, 'broadcast', broadcast.broadcast_id)) return;
    this.finishedChecks.delete(key);
    await db
      .updateTable('broadcasts')
      .set({ status: 'sent', finished_at: nowIso(this.clock) })
      .where('workspace_id', '=', broadcast.workspace_id)
      .where('broadcast_id', '=', broadcast.broadcast_id)
      .where('status', '=', 'sending')
      .execute();
  }

  private async row(workspaceId: string, broadcastId: string): Promise<Row> {
    const row = await this.deps.store.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('broadcast_id', '=', broadcastId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Broadcast ${broadcastId} not found`);
    return row;
  }

  private async withCounts(row: Row): Promise<Broadcast> {
    const steps = await emailCountsByOrigin(
      this.deps.store.db,
      row.workspace_id,
      'broadcast',
      row.broadcast_id,
    );
    const sum = (
      field: 'sent' | 'delivered' | 'opened' | 'clicked' | 'bounced' | 'unsubscribed' | 'skipped',
    ) => steps.reduce((total, step) => total + step[field], 0);
    return {
      id: row.broadcast_id,
      name: row.name,
      templateId: row.template_id,
      audienceId: row.audience_id,
      status: row.status as Broadcast['status'], // written from BROADCAST_STATUSES
      sendAt: row.send_at,
      perMinute: row.per_minute === null ? null : Number(row.per_minute),
      recipients: Number(row.recipients),
      sent: sum('sent'),
      delivered: sum('delivered'),
      opened: sum('opened'),
      clicked: sum('clicked'),
      bounced: sum('bounced'),
      unsubscribed: sum('unsubscribed'),
      skipped: sum('skipped'),
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    };
  }
}

function unprocessable(path: string, message: string): never {
  throw new AppError('unprocessable', `${path}: ${message}`, { details: [{ path, message }] });
}
