import type { ThreadedMailMessage, ThreadedMailSender } from '../../mail/index.js';
import { fromJson, nowIso, type Store, toJson } from '../../store/index.js';
import type { TicketEmailRow } from './ticket-email-log.js';

/** How outbound replies are retried after a temporary failure (4xx, connection refused, timeout). */
export interface ReplyRetryPolicy {
  readonly maxAttempts: number;
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
}

// Longer than any one SMTP send (nodemailer gives up on a silent server after 10 minutes at most).
const CLAIM_MS = 15 * 60_000;
const TIMER_SLACK_MS = 1000;

export const DEFAULT_REPLY_RETRY: ReplyRetryPolicy = {
  maxAttempts: 6,
  baseBackoffMs: 5_000,
  maxBackoffMs: 600_000,
};

export type ChannelLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/**
 * Sends queued replies through the relay. A reply is stored `queued` with its message before the
 * first attempt, so retries survive a restart (`start` resumes the queue); each attempt ends
 * `sent`, `failed` (permanent error or attempts exhausted) or back in the queue with a backoff.
 */
export class ReplyOutbox {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly deps: {
      store: Store;
      sender: ThreadedMailSender | null;
      retry: ReplyRetryPolicy;
      log: ChannelLog;
    },
  ) {}

  /** Stores a reply as queued and makes its first attempt in the background. */
  async enqueue(row: TicketEmailRow, message: ThreadedMailMessage): Promise<void> {
    await this.deps.store.db
      .insertInto('ticket_emails')
      .values({ ...row, status: 'queued', payload: toJson(message), next_attempt_at: row.created_at })
      .execute();
    this.schedule(row.workspace_id, row.email_id, 0);
  }

  /** Resumes replies left queued (by a restart), each at its due time. */
  async start(): Promise<void> {
    this.stopped = false;
    const queued = await this.deps.store.db
      .selectFrom('ticket_emails')
      .select(['workspace_id', 'email_id', 'next_attempt_at'])
      .where('status', '=', 'queued')
      .where('direction', '=', 'outbound')
      .execute();
    for (const reply of queued) {
      const dueIn = reply.next_attempt_at ? Date.parse(reply.next_attempt_at) - Date.now() : 0;
      this.schedule(reply.workspace_id, reply.email_id, Math.max(0, dueIn));
    }
  }

  /** No new attempts; waits for those under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.whenIdle();
  }

  /** Resolves once no attempt is running or waiting for its backoff. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private schedule(workspaceId: string, emailId: string, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const attempt = this.attempt(workspaceId, emailId).catch((error: unknown) =>
        this.deps.log('error', 'a reply email attempt failed to record', { emailId, error: String(error) }),
      );
      this.inFlight.add(attempt);
      void attempt.finally(() => this.inFlight.delete(attempt));
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(workspaceId: string, emailId: string): Promise<void> {
    const db = this.deps.store.db;
    // Claim the attempt: processes sharing a store (each resumes the queue when it starts) never
    // send one reply twice. A claim left by a crash ends after CLAIM_MS.
    const now = Date.now();
    const claim = await db
      .updateTable('ticket_emails')
      .set({ next_attempt_at: new Date(now + CLAIM_MS).toISOString() })
      .where('workspace_id', '=', workspaceId)
      .where('email_id', '=', emailId)
      .where('status', '=', 'queued')
      // Timers run on a monotonic clock and may fire a millisecond before Date.now() says they are due.
      .where('next_attempt_at', '<=', new Date(now + TIMER_SLACK_MS).toISOString())
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) === 0) return;
    const row = await db
      .selectFrom('ticket_emails')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('email_id', '=', emailId)
      .executeTakeFirst();
    if (row?.status !== 'queued' || row.payload === null) return;
    const attempts = row.attempts + 1;
    const update = (set: Partial<TicketEmailRow>) =>
      db
        .updateTable('ticket_emails')
        .set({ ...set, attempts, updated_at: nowIso() })
        .where('workspace_id', '=', workspaceId)
        .where('email_id', '=', emailId)
        .execute();
    if (this.deps.sender === null) {
      await update({ status: 'failed', error: 'no SMTP relay configured (TANDEM_SMTP_URL)', payload: null });
      return;
    }
    try {
      await this.deps.sender.sendThreaded(fromJson<ThreadedMailMessage>(row.payload));
      await update({ status: 'sent', error: null, payload: null, next_attempt_at: null });
    } catch (error) {
      const { temporary, reason } = failureOf(error);
      if (temporary && attempts < this.deps.retry.maxAttempts) {
        const backoff = Math.min(
          this.deps.retry.maxBackoffMs,
          this.deps.retry.baseBackoffMs * 2 ** (attempts - 1),
        );
        await update({ error: reason, next_attempt_at: new Date(Date.now() + backoff).toISOString() });
        this.deps.log('warn', 'reply email deferred', { emailId, attempts, reason });
        this.schedule(workspaceId, emailId, backoff);
      } else {
        await update({ status: 'failed', error: reason, payload: null, next_attempt_at: null });
        this.deps.log('warn', 'reply email failed', { emailId, attempts, reason });
      }
    }
  }
}

/** SMTP 5xx is permanent; 4xx and network errors (no SMTP answer at all) are worth retrying. */
function failureOf(error: unknown): { temporary: boolean; reason: string } {
  const smtp = error as { responseCode?: number; response?: string; message?: string }; // nodemailer's error shape
  const reason = (smtp.response ?? smtp.message ?? String(error)).slice(0, 500);
  const code = typeof smtp.responseCode === 'number' ? smtp.responseCode : null;
  return { temporary: code === null || (code >= 400 && code < 500), reason };
}
