import { EMAIL_EVENTS, type EmailCategory, type EmailSettings } from '@tandem/contract';
import { type Kysely, sql } from 'kysely';
import { type Database, type Store, writeTransaction } from '../store/index.js';
import type { EmailOrigin } from './email-queue.js';
import type { EmailSettingsService } from './email-settings.js';
import { contextOf, type EmailTemplatesService, type LoadedTemplate } from './email-templates-service.js';
import { type MarketingSlotClaim, type MarketingSlots, marketingSlotsFor } from './marketing-slots.js';
import type { PersonContexts, PersonFacts } from './person-context.js';
import { type EmailSendPolicy, type OutgoingEmail, SEND_EVERYTHING } from './send-policy.js';
import { SendRate } from './send-rate.js';
import { type RelayOutcome, SmtpRelays } from './smtp-relays.js';
import { renderTemplate } from './template-compiler.js';

/** An event on a person's timeline, appended in the caller's transaction (the CRM's CrmEvents). */
export interface PersonEvent {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly event: string;
  readonly properties: Record<string, unknown>;
  readonly actorId: string | null;
  readonly at: string;
  readonly messageId: string;
}

export interface EmailSenderDeps {
  readonly store: Store;
  readonly templates: EmailTemplatesService;
  readonly settings: EmailSettingsService;
  readonly people: PersonContexts;
  readonly appendEvents: (db: Kysely<Database>, events: readonly PersonEvent[]) => Promise<void>;
  /** Tells the pipeline events were committed. */
  readonly wake: () => void;
}

export interface EmailSenderOptions {
  /** The relays (`TANDEM_SMTP_URL`: one URL or several, comma-separated). */
  readonly smtpUrl?: string | undefined;
  /** Messages claimed per pass. Default 500. */
  readonly chunkSize?: number | undefined;
  /** Time between looks for due messages when idle. Default 1 s. */
  readonly pollMs?: number | undefined;
  /** Retry after a 4xx or an unreachable relay: base doubled per attempt, capped. Default 30 s … 1 h. */
  readonly baseBackoffMs?: number | undefined;
  readonly maxBackoffMs?: number | undefined;
  /** Attempts before a message fails for good. Default 8. */
  readonly maxAttempts?: number | undefined;
  /** A claimed message not settled by then (the process died) is sent again. Default 10 min. */
  readonly leaseMs?: number | undefined;
  /** Passes running at once in the background. Default 3. */
  readonly parallelPasses?: number | undefined;
  /** SMTP connections per relay. Default 8. */
  readonly maxConnections?: number | undefined;
  readonly clock?: (() => number) | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** What one pass did. */
export interface SendReport {
  readonly claimed: number;
  readonly sent: number;
  readonly skipped: number;
  readonly bounced: number;
  readonly retried: number;
  readonly failed: number;
  /** Put back (the workspace's rate or cap, a policy wait). */
  readonly deferred: number;
}

type Row = Database['email_messages'];

/** One of the sender's background loops. */
interface SendLoop {
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  again: boolean;
  run: () => Promise<void>;
}

/** How one claimed message settles. */
type Settlement =
  | { kind: 'sent'; response: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'bounced'; code: number; response: string }
  | { kind: 'retry'; at: number; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'deferred'; at: number };

interface Claimed {
  readonly row: Row;
  liveId?: string | undefined;
  /** Holds its person's marketing slot (see `MarketingSlots`) until its settlement is recorded. */
  holdsSlot?: boolean | undefined;
  outgoing?: OutgoingEmail | undefined;
  subject?: string | undefined;
  settlement?: Settlement | undefined;
}

/**
 * Sends queued email in the background: claims due messages in chunks, applies each
 * workspace's rate and hourly cap, resolves each person (a merged-away profile's mail goes to
 * its survivor), renders, asks the send policy, decorates, and hands the message to the relays.
 * Each settlement and its event (`Email Sent` + `Email Delivered`, `Email Skipped`,
 * `Email Bounced`) commit together. "Delivered" means the relay accepted the message.
 */
export class EmailSender {
  private policy: EmailSendPolicy = SEND_EVERYTHING;
  private readonly relays: SmtpRelays;
  private readonly rates = new Map<string, SendRate>();
  private readonly clock: () => number;
  private readonly chunkSize: number;
  private readonly pollMs: number;
  private started = false;
  private lastRecovery = 0;
  /**
   * People with a marketing email decided but not yet recorded: the policy's frequency cap counts
   * recorded sends, so a second one waits for the first to settle, whichever process sends it.
   */
  private readonly slots: MarketingSlots;

  constructor(
    private readonly deps: EmailSenderDeps,
    private readonly options: EmailSenderOptions = {},
  ) {
    this.relays = new SmtpRelays(options.smtpUrl ?? '', { maxConnections: options.maxConnections });
    this.clock = options.clock ?? Date.now;
    this.chunkSize = options.chunkSize ?? 500;
    this.pollMs = options.pollMs ?? 1000;
    this.slots = marketingSlotsFor(deps.store);
    deps.settings.onChanged((workspaceId) => this.rates.delete(workspaceId));
  }

  /** Consent, suppression, topics, caps and tracking (the preferences helper's policy). */
  usePolicy(policy: EmailSendPolicy): void {
    this.policy = policy;
  }

  get isStarted(): boolean {
    return this.started;
  }

  /**
   * Sends in the background until `stop`: a few passes at once (one renders and writes while
   * another waits for the relay); failures of a pass go to `onError`.
   */
  start(onError = this.options.onError): void {
    if (this.started) return;
    this.started = true;
    const parallel = this.options.parallelPasses ?? 3;
    for (let i = 0; i < parallel; i++) {
      const worker: SendLoop = {
        timer: undefined,
        running: undefined,
        again: false,
        run: async () => undefined,
      };
      worker.run = async () => {
        worker.timer = undefined;
        let delay = this.pollMs;
        try {
          const report = await this.sendDue();
          // A full chunk: more are due at once (the rate decides the pace).
          if (report.claimed >= this.chunkSize || (report.claimed > 0 && report.deferred < report.claimed))
            delay = 0;
          else if (report.deferred > 0) delay = Math.min(this.pollMs, 100);
        } catch (error) {
          (onError ?? (() => undefined))(error);
        }
        if (worker.again) delay = 0;
        worker.again = false;
        if (this.started) worker.timer = setTimeout(() => this.kick(worker), delay);
      };
      this.loops.push(worker);
      this.kick(worker);
    }
  }

  private readonly loops: SendLoop[] = [];

  private kick(worker: SendLoop): void {
    if (worker.running || !this.started) return;
    worker.running = worker.run().finally(() => {
      worker.running = undefined;
    });
  }

  /** New messages were queued: look now rather than at the next poll. */
  wake(): void {
    for (const worker of this.loops) {
      if (worker.running) {
        worker.again = true;
        continue;
      }
      if (worker.timer) clearTimeout(worker.timer);
      worker.timer = undefined;
      this.kick(worker);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const worker of this.loops) if (worker.timer) clearTimeout(worker.timer);
    await Promise.all(this.loops.map((worker) => worker.running));
    this.loops.length = 0;
  }

  /** Stops and closes the relay connections. */
  async close(): Promise<void> {
    await this.stop();
    this.relays.close();
  }

  /** One pass: claims due messages (at most a chunk), sends them, records what became of them. */
  async sendDue(): Promise<SendReport> {
    const now = this.clock();
    if (now - this.lastRecovery > 60_000) {
      this.lastRecovery = now;
      await this.recoverExpiredLeases(now);
    }
    const claimed = await this.claim(now);
    if (claimed.length === 0) return emptyReport();
    const byWorkspace = new Map<string, Claimed[]>();
    for (const message of claimed) {
      const list = byWorkspace.get(message.row.workspace_id) ?? [];
      byWorkspace.set(message.row.workspace_id, list);
      list.push(message);
    }
    const sending: Promise<void>[] = [];
    for (const [workspaceId, messages] of byWorkspace)
      sending.push(this.sendForWorkspace(workspaceId, messages, now));
    // A pass failing before its settlements are recorded leaves its slots to expire: some of its
    // emails may have gone out uncounted.
    await Promise.all(sending);
    const events = await this.settle(claimed);
    if (events > 0) this.deps.wake();
    const count = (kind: Settlement['kind']) => claimed.filter((m) => m.settlement?.kind === kind).length;
    return {
      claimed: claimed.length,
      sent: count('sent'),
      skipped: count('skipped'),
      bounced: count('bounced'),
      retried: count('retry'),
      failed: count('failed'),
      deferred: count('deferred'),
    };
  }

  /**
   * Marks a chunk of due messages `sending` (leased), in due order. Across workspaces on purpose:
   * the process's background loop; each row keeps its workspace_id and every write is scoped by it.
   */
  private claim(now: number): Promise<Claimed[]> {
    const nowText = new Date(now).toISOString();
    const leaseEnd = new Date(now + (this.options.leaseMs ?? 600_000)).toISOString();
    return writeTransaction(this.deps.store, async (trx) => {
      let query = trx
        .selectFrom('email_messages')
        .selectAll()
        // A literal: the partial index's condition must be visible to the planner.
        .where(sql<boolean>`status = 'queued'`)
        .where('next_attempt_at', '<=', nowText)
        .orderBy('next_attempt_at')
        .limit(this.claimLimit(now));
      if (this.deps.store.kind === 'postgres') query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      for (const [workspaceId, ids] of groupIds(rows))
        await trx
          .updateTable('email_messages')
          .set((eb) => ({
            status: 'sending',
            attempts: eb('attempts', '+', 1),
            next_attempt_at: leaseEnd,
            updated_at: nowText,
          }))
          .where('workspace_id', '=', workspaceId)
          .where('message_id', 'in', ids)
          .execute();
      return rows.map((row) => ({ row: { ...row, attempts: Number(row.attempts) + 1 } }));
    });
  }

  /** At most what the known workspaces' rates allow now (a chunk when one is new). */
  private claimLimit(now: number): number {
    if (this.rates.size === 0) return this.chunkSize;
    let most = 0;
    for (const rate of this.rates.values()) most = Math.max(most, rate.available(now));
    return Math.max(1, Math.min(this.chunkSize, Math.floor(most)));
  }

  private async sendForWorkspace(workspaceId: string, messages: Claimed[], now: number): Promise<void> {
    const settings = await this.deps.settings.current(workspaceId, now);
    const rate = await this.rateOf(workspaceId, settings, now);
    const { granted, retryAt } = rate.take(messages.length, now);
    // The rest wait their turn: spread at the workspace's rate after the first free moment.
    const spacing = settings.perSecond ? 1000 / settings.perSecond : 0;
    messages.slice(granted).forEach((message, i) => {
      message.settlement = { kind: 'deferred', at: Math.ceil(retryAt + i * spacing) };
    });
    const going = messages.slice(0, granted);
    if (going.length === 0) return;
    const db = this.deps.store.db;

    const templates = new Map<string, LoadedTemplate | undefined>();
    for (const id of new Set(going.map((m) => m.row.template_id)))
      templates.set(id, await this.deps.templates.loaded(workspaceId, id));
    const live = await this.deps.people.liveIdsOf(
      db,
      workspaceId,
      going.map((m) => m.row.profile_id),
    );
    const uses = { computedTraits: false, crm: false };
    for (const loaded of templates.values()) {
      uses.computedTraits ||= loaded?.compiled.uses.computedTraits ?? false;
      uses.crm ||= loaded?.compiled.uses.crm ?? false;
    }
    const liveIds = going.flatMap((m) => {
      m.liveId = live.get(m.row.profile_id);
      return m.liveId ? [m.liveId] : [];
    });
    const facts = await this.deps.people.factsOf(db, workspaceId, liveIds, uses);
    const addressed = going.flatMap((message) => {
      const loaded = templates.get(message.row.template_id);
      const person = message.liveId ? facts.get(message.liveId) : undefined;
      const outgoing = this.addressOf(message, loaded, person);
      return outgoing && loaded && person ? [{ message, outgoing, loaded, person }] : [];
    });
    await this.takeSlots(workspaceId, addressed, now);

    let unused = going.length - addressed.length;
    const sends: Promise<void>[] = [];
    for (const { message, outgoing, loaded, person } of addressed) {
      // Settled already: waiting for its person's slot.
      const prepared = message.settlement
        ? undefined
        : await this.prepare(message, outgoing, loaded, person, settings, now);
      if (!prepared) {
        unused += 1;
        continue;
      }
      sends.push(
        this.relays.send(prepared).then((outcome) => {
          message.settlement = this.settlementOf(message, outcome, now);
        }),
      );
    }
    rate.giveBack(unused, now);
    await Promise.all(sends);
  }

  /**
   * Every marketing email of the pass takes its person's slot in one go; one that does not get it
   * waits for the holder's settlement (sent by this process or another).
   */
  private async takeSlots(
    workspaceId: string,
    addressed: readonly { message: Claimed; outgoing: OutgoingEmail }[],
    now: number,
  ): Promise<void> {
    const marketing = addressed.filter(({ outgoing }) => outgoing.category === 'marketing');
    if (marketing.length === 0) return;
    const granted = await this.slots.take(
      workspaceId,
      marketing.map(({ outgoing }) => ({ profileId: outgoing.profileId, messageId: outgoing.messageId })),
      now,
    );
    for (const { message, outgoing } of marketing) {
      message.holdsSlot = granted.has(outgoing.messageId);
      if (!message.holdsSlot) message.settlement = { kind: 'deferred', at: now + IN_FLIGHT_DEFER_MS };
    }
  }

  /**
   * The email as the policy sees it, or a settlement without sending: no template, no profile
   * (failed), no address (skipped).
   */
  private addressOf(
    message: Claimed,
    loaded: LoadedTemplate | undefined,
    person: PersonFacts | undefined,
  ): OutgoingEmail | undefined {
    const { row } = message;
    if (!loaded) {
      message.settlement = {
        kind: 'failed',
        error: `template ${row.template_id} does not exist or does not compile`,
      };
      return undefined;
    }
    if (!message.liveId) {
      message.settlement = { kind: 'failed', error: `profile ${row.profile_id} no longer exists` };
      return undefined;
    }
    const { template } = loaded;
    const origin: EmailOrigin = {
      kind: row.origin_kind as EmailOrigin['kind'], // written from EmailOrigin
      id: row.origin_id,
      stepId: row.origin_step ?? undefined,
      runId: row.origin_run ?? undefined,
    };
    const outgoing: OutgoingEmail = {
      workspaceId: row.workspace_id,
      messageId: row.message_id,
      profileId: message.liveId,
      to: person?.email ?? '',
      category: (row.category as EmailCategory | null) ?? template.category,
      topicId: template.topicId ?? null,
      origin,
      overCap: row.over_cap === 'skip' ? 'skip' : 'wait',
    };
    message.outgoing = outgoing;
    message.subject = template.subject;
    if (!person?.email) {
      message.settlement = { kind: 'skipped', reason: 'no_address' };
      return undefined;
    }
    return outgoing;
  }

  /** Renders and decorates one message, or settles it without sending (skip, wait, failure). */
  private async prepare(
    message: Claimed,
    outgoing: OutgoingEmail,
    { template, compiled }: LoadedTemplate,
    person: PersonFacts,
    settings: EmailSettings,
    now: number,
  ) {
    const { row } = message;
    const decision = await this.policy.decide(this.deps.store.db, outgoing, now);
    if (decision.action === 'wait') {
      message.settlement = { kind: 'deferred', at: decision.until };
      return undefined;
    }
    if (decision.action === 'skip') {
      message.settlement = { kind: 'skipped', reason: decision.reason };
      return undefined;
    }
    let rendered: ReturnType<typeof renderTemplate>;
    try {
      const event = row.event === null ? null : (JSON.parse(row.event) as Record<string, unknown>);
      rendered = renderTemplate(compiled, contextOf(outgoing.profileId, person, event));
    } catch (cause) {
      message.settlement = {
        kind: 'failed',
        error: `render: ${cause instanceof Error ? cause.message : String(cause)}`,
      };
      return undefined;
    }
    message.subject = rendered.subject;
    const headers = row.headers === null ? {} : (JSON.parse(row.headers) as Record<string, string>);
    const decorated = this.policy.decorate(outgoing, { ...rendered, headers });
    const fromAddress = template.fromAddress ?? settings.fromAddress ?? 'no-reply@tandem.invalid';
    // A queued Reply-To (a sequence's reply+token address) wins over the template's: the MIME
    // builder sets Reply-To itself and drops a header of that name.
    const queuedReplyTo = Object.entries(decorated.headers).find(
      ([name]) => name.toLowerCase() === 'reply-to',
    )?.[1];
    return {
      from: { address: fromAddress, name: template.fromName ?? settings.fromName ?? '' },
      to: outgoing.to,
      replyTo: queuedReplyTo ?? template.replyTo,
      subject: decorated.subject,
      html: decorated.html,
      text: decorated.text,
      headers: decorated.headers,
      messageId: `<${row.message_id}@${fromAddress.split('@')[1] ?? 'tandem.invalid'}>`,
      envelopeFrom: decorated.envelopeFrom,
    };
  }

  private settlementOf(message: Claimed, outcome: RelayOutcome, now: number): Settlement {
    if (outcome.kind === 'accepted') return { kind: 'sent', response: outcome.response };
    if (outcome.kind === 'refused' && outcome.code >= 500)
      return { kind: 'bounced', code: outcome.code, response: outcome.response };
    const error = outcome.kind === 'refused' ? `${outcome.code} ${outcome.response}` : outcome.error;
    if (message.row.attempts >= (this.options.maxAttempts ?? 8)) return { kind: 'failed', error };
    const base = this.options.baseBackoffMs ?? 30_000;
    const backoff = Math.min(this.options.maxBackoffMs ?? 3_600_000, base * 2 ** (message.row.attempts - 1));
    return { kind: 'retry', at: now + backoff, error };
  }

  /** Writes every settlement of the pass and its events in one transaction. */
  private async settle(claimed: readonly Claimed[]): Promise<number> {
    const now = this.clock();
    const at = new Date(now).toISOString();
    const events: PersonEvent[] = [];
    await writeTransaction(this.deps.store, async (trx) => {
      // The slots first: every sender then locks them in one order, before anything else.
      for (const [workspaceId, held] of heldSlotsOf(claimed))
        await this.slots.release(trx, workspaceId, held);
      for (const message of claimed) {
        const { row, outgoing } = message;
        const settlement = message.settlement ?? { kind: 'failed', error: 'not sent' };
        const where = trx
          .updateTable('email_messages')
          .where('workspace_id', '=', row.workspace_id)
          .where('message_id', '=', row.message_id);
        const person = {
          profile_id: message.liveId ?? row.profile_id,
          to_address: outgoing?.to || null,
          subject: message.subject ?? null,
          topic_id: outgoing?.topicId ?? null,
          updated_at: at,
        };
        const properties = outgoing ? eventProperties(row, outgoing, message.subject ?? '') : {};
        const event = (name: string, key: string, extra: Record<string, unknown> = {}) => {
          if (outgoing)
            events.push({
              workspaceId: row.workspace_id,
              profileId: outgoing.profileId,
              event: name,
              properties: { ...properties, ...extra },
              actorId: null,
              at,
              messageId: `email-${key}-${row.message_id}`,
            });
        };
        switch (settlement.kind) {
          case 'sent':
            await where
              .set({
                ...person,
                status: 'sent',
                sent_at: at,
                delivered_at: at,
                relay_response: settlement.response.slice(0, 1000),
                error: null,
              })
              .execute();
            if (outgoing) await this.policy.recordSent(trx, outgoing, now);
            event(EMAIL_EVENTS.sent, 'sent');
            event(EMAIL_EVENTS.delivered, 'delivered', { response: settlement.response.slice(0, 1000) });
            break;
          case 'skipped':
            await where.set({ ...person, status: 'skipped', error: settlement.reason }).execute();
            event(EMAIL_EVENTS.skipped, 'skipped', { reason: settlement.reason });
            break;
          case 'bounced':
            await where
              .set({
                ...person,
                status: 'bounced',
                bounced_at: at,
                relay_response: settlement.response.slice(0, 1000),
                error: `${settlement.code} ${settlement.response}`.slice(0, 1000),
              })
              .execute();
            if (outgoing)
              await this.policy.onRelayRejected(
                trx,
                outgoing,
                { code: settlement.code, response: settlement.response },
                now,
              );
            event(EMAIL_EVENTS.bounced, 'bounced', {
              bounceType: 'hard',
              code: settlement.code,
              response: settlement.response,
            });
            break;
          case 'retry':
            await where
              .set({
                ...person,
                status: 'queued',
                next_attempt_at: new Date(settlement.at).toISOString(),
                error: settlement.error.slice(0, 1000),
              })
              .execute();
            break;
          case 'failed':
            await where
              .set({ ...person, status: 'failed', error: settlement.error.slice(0, 1000) })
              .execute();
            break;
          case 'deferred':
            // Not an attempt: the count goes back.
            await where
              .set((eb) => ({
                status: 'queued',
                next_attempt_at: new Date(settlement.at).toISOString(),
                attempts: eb('attempts', '-', 1),
                updated_at: at,
              }))
              .execute();
            break;
        }
      }
      if (events.length > 0) await this.deps.appendEvents(trx, events);
    });
    return events.length;
  }

  /** Messages left `sending` by a process that stopped mid-send go back to the queue. */
  async recoverExpiredLeases(now = this.clock()): Promise<number> {
    const nowText = new Date(now).toISOString();
    const updated = await this.deps.store.db
      .updateTable('email_messages')
      .set({ status: 'queued', updated_at: nowText })
      .where(sql<boolean>`status = 'sending'`)
      .where('next_attempt_at', '<=', nowText)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows);
  }

  private async rateOf(workspaceId: string, settings: EmailSettings, now: number): Promise<SendRate> {
    let rate = this.rates.get(workspaceId);
    if (rate) {
      rate.configure(settings.perSecond, settings.perHour);
      return rate;
    }
    const since = new Date(now - 3_600_000).toISOString();
    const rows =
      settings.perHour === null
        ? []
        : await this.deps.store.db
            .selectFrom('email_messages')
            .select((eb) => [
              sql<string>`substr(sent_at, 1, 16)`.as('minute'),
              eb.fn.countAll<number>().as('n'),
            ])
            .where('workspace_id', '=', workspaceId)
            .where('sent_at', '>=', since)
            .groupBy(sql`substr(sent_at, 1, 16)`)
            .execute();
    rate = new SendRate(
      settings.perSecond,
      settings.perHour,
      now,
      rows.map((r) => ({ minute: Date.parse(`${r.minute}:00.000Z`), count: Number(r.n) })),
    );
    this.rates.set(workspaceId, rate);
    return rate;
  }
}

function eventProperties(row: Row, outgoing: OutgoingEmail, subject: string): Record<string, unknown> {
  return {
    messageId: row.message_id,
    templateId: row.template_id,
    subject,
    originKind: outgoing.origin.kind,
    originId: outgoing.origin.id,
    ...(outgoing.origin.stepId === undefined ? {} : { stepId: outgoing.origin.stepId }),
    category: outgoing.category,
    ...(outgoing.to ? { to: outgoing.to } : {}),
  };
}

/** How long a person's second marketing email waits for their first to be recorded. */
const IN_FLIGHT_DEFER_MS = 1000;

/** The marketing slots a pass's messages hold, by workspace. */
function heldSlotsOf(claimed: readonly Claimed[]): Map<string, MarketingSlotClaim[]> {
  const byWorkspace = new Map<string, MarketingSlotClaim[]>();
  for (const { row, outgoing, holdsSlot } of claimed) {
    if (!holdsSlot || !outgoing) continue;
    const held = byWorkspace.get(row.workspace_id) ?? [];
    byWorkspace.set(row.workspace_id, held);
    held.push({ profileId: outgoing.profileId, messageId: outgoing.messageId });
  }
  return byWorkspace;
}

function groupIds(rows: readonly Row[]): Map<string, string[]> {
  const byWorkspace = new Map<string, string[]>();
  for (const row of rows) {
    const ids = byWorkspace.get(row.workspace_id) ?? [];
    byWorkspace.set(row.workspace_id, ids);
    ids.push(row.message_id);
  }
  return byWorkspace;
}

function emptyReport(): SendReport {
  return { claimed: 0, sent: 0, skipped: 0, bounced: 0, retried: 0, failed: 0, deferred: 0 };
}
