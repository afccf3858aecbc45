import type { EmailCounts } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import { newId } from '../ids/index.js';
import { type Database, nowIso } from '../store/index.js';
import type { EmailOrigin, EmailQueue, QueuedEmail } from './email-queue.js';

/** Rows inserted per statement (PostgreSQL and SQLite bound a statement's parameters). */
const INSERT_CHUNK = 500;

/** The queue of `email_messages`: journeys, broadcasts and sequences enqueue in their transaction. */
export class EmailMessagesQueue implements EmailQueue {
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  async enqueue(db: Kysely<Database>, emails: readonly QueuedEmail[]): Promise<string[]> {
    const now = this.clock();
    const at = new Date(now).toISOString();
    const ids: string[] = [];
    const rows = emails.map((email) => {
      const id = newId('emailMessage');
      ids.push(id);
      const notBefore = new Date(Math.max(now, email.notBefore ?? now)).toISOString();
      return {
        workspace_id: email.workspaceId,
        message_id: id,
        profile_id: email.profileId,
        template_id: email.templateId,
        origin_kind: email.origin.kind,
        origin_id: email.origin.id,
        origin_step: email.origin.stepId ?? null,
        origin_run: email.origin.runId ?? null,
        category: email.category ?? null,
        topic_id: null,
        status: 'queued',
        to_address: null,
        subject: null,
        not_before: notBefore,
        next_attempt_at: notBefore,
        attempts: 0,
        event: email.event === undefined ? null : JSON.stringify(email.event),
        headers: email.headers === undefined ? null : JSON.stringify(email.headers),
        over_cap: email.overCap ?? 'wait',
        error: null,
        relay_response: null,
        sent_at: null,
        delivered_at: null,
        bounced_at: null,
        opened_at: null,
        clicked_at: null,
        unsubscribed_at: null,
        machine_open: null,
        created_at: at,
        updated_at: at,
      };
    });
    for (let start = 0; start < rows.length; start += INSERT_CHUNK)
      await db
        .insertInto('email_messages')
        .values(rows.slice(start, start + INSERT_CHUNK))
        .execute();
    // The caller's transaction may not have committed yet: the sender looks shortly after.
    if (rows.length > 0) for (const listener of this.listeners) listener();
    return ids;
  }

  /** Called after each enqueue (the sender looks sooner). */
  onQueued(listener: () => void): void {
    this.listeners.push(listener);
  }
}

/** What the engagement helper records about a sent message (first time only). */
export type EngagementKind = 'opened' | 'machine_opened' | 'clicked' | 'unsubscribed' | 'bounced';

/**
 * Records an open (a person's), a machine's open, a click, an unsubscribe or a returned-mail
 * bounce on a message, for the reports; the first of each kind counts. Returns whether it was
 * the first. Call it in the transaction that appends the engagement event.
 */
export async function markEngagement(
  db: Kysely<Database>,
  workspaceId: string,
  messageId: string,
  kind: EngagementKind,
  at: string,
): Promise<boolean> {
  const base = db
    .updateTable('email_messages')
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', messageId);
  const updated = await (() => {
    switch (kind) {
      case 'opened':
        return base.set({ opened_at: at, updated_at: at }).where('opened_at', 'is', null).executeTakeFirst();
      case 'machine_opened':
        return base
          .set({ machine_open: 1, updated_at: at })
          .where('machine_open', 'is', null)
          .executeTakeFirst();
      case 'clicked':
        return base
          .set({ clicked_at: at, updated_at: at })
          .where('clicked_at', 'is', null)
          .executeTakeFirst();
      case 'unsubscribed':
        return base
          .set({ unsubscribed_at: at, updated_at: at })
          .where('unsubscribed_at', 'is', null)
          .executeTakeFirst();
      case 'bounced':
        return base
          .set({ bounced_at: at, status: 'bounced', updated_at: at })
          .where('bounced_at', 'is', null)
          .executeTakeFirst();
    }
  })();
  return Number(updated.numUpdatedRows) > 0;
}

/**
 * Per step of an origin (a journey's steps, a sequence's, or a broadcast's single null step):
 * how many messages were sent, delivered (the relay accepted them), opened and clicked (by
 * people: machine opens are not in opened_at), unsubscribed, bounced, skipped, failed.
 */
export async function emailCountsByOrigin(
  db: Kysely<Database>,
  workspaceId: string,
  kind: EmailOrigin['kind'],
  originId: string,
): Promise<EmailCounts[]> {
  const rows = await db
    .selectFrom('email_messages')
    .select((eb) => [
      'origin_step',
      sql<number>`sum(case when status in ('queued', 'sending') then 1 else 0 end)`.as('queued'),
      eb.fn.count<number>('sent_at').as('sent'),
      eb.fn.count<number>('delivered_at').as('delivered'),
      eb.fn.count<number>('opened_at').as('opened'),
      eb.fn.count<number>('clicked_at').as('clicked'),
      eb.fn.count<number>('unsubscribed_at').as('unsubscribed'),
      sql<number>`sum(case when status = 'bounced' then 1 else 0 end)`.as('bounced'),
      sql<number>`sum(case when status = 'skipped' then 1 else 0 end)`.as('skipped'),
      sql<number>`sum(case when status = 'failed' then 1 else 0 end)`.as('failed'),
      sql<number>`sum(case when status = 'cancelled' then 1 else 0 end)`.as('cancelled'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('origin_kind', '=', kind)
    .where('origin_id', '=', originId)
    .groupBy('origin_step')
    .execute();
  return rows.map((row) => ({
    stepId: row.origin_step,
    queued: Number(row.queued),
    sent: Number(row.sent),
    delivered: Number(row.delivered),
    opened: Number(row.opened),
    clicked: Number(row.clicked),
    unsubscribed: Number(row.unsubscribed),
    bounced: Number(row.bounced),
    skipped: Number(row.skipped),
    failed: Number(row.failed),
    cancelled: Number(row.cancelled),
  }));
}

/** Whether any message of an origin is still queued or being sent. */
export async function hasPendingMessages(
  db: Kysely<Database>,
  workspaceId: string,
  kind: EmailOrigin['kind'],
  originId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('email_messages')
    .select('message_id')
    .where('workspace_id', '=', workspaceId)
    .where('origin_kind', '=', kind)
    .where('origin_id', '=', originId)
    .where('status', 'in', ['queued', 'sending'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Withdraws the journey emails not sent yet of runs that ended early (converted, exited):
 * `cancelled` with the reason, no event. Found through each person's messages.
 */
export async function withdrawQueuedOfRuns(
  db: Kysely<Database>,
  runs: readonly { workspaceId: string; profileId: string; runId: string; reason: string }[],
): Promise<number> {
  const at = nowIso();
  let withdrawn = 0;
  const groups = new Map<
    string,
    { workspaceId: string; reason: string; profileIds: string[]; runIds: string[] }
  >();
  for (const run of runs) {
    const key = `${run.workspaceId}\u0000${run.reason}`;
    const group = groups.get(key) ?? {
      workspaceId: run.workspaceId,
      reason: run.reason,
      profileIds: [],
      runIds: [],
    };
    group.profileIds.push(run.profileId);
    group.runIds.push(run.runId);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.runIds.length; i += 500) {
      const updated = await db
        .updateTable('email_messages')
        .set({ status: 'cancelled', error: `Withdrawn: ${group.reason}`, updated_at: at })
        .where('workspace_id', '=', group.workspaceId)
        .where('profile_id', 'in', [...new Set(group.profileIds.slice(i, i + 500))])
        .where('origin_kind', '=', 'journey')
        .where('origin_run', 'in', group.runIds.slice(i, i + 500))
        .where('status', '=', 'queued')
        .executeTakeFirst();
      withdrawn += Number(updated.numUpdatedRows);
    }
  }
  return withdrawn;
}

/** Withdraws an origin's messages not sent yet (a cancelled broadcast): `cancelled`, no event. */
export async function withdrawQueued(
  db: Kysely<Database>,
  workspaceId: string,
  kind: EmailOrigin['kind'],
  originId: string,
  reason: string,
): Promise<number> {
  const at = nowIso();
  const updated = await db
    .updateTable('email_messages')
    .set({ status: 'cancelled', error: reason, updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('origin_kind', '=', kind)
    .where('origin_id', '=', originId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows);
}
