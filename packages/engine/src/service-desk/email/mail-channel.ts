import { newId } from '../../ids/index.js';
import { smtpMailSender, type ThreadedMailSender } from '../../mail/index.js';
import { nowIso, type Store } from '../../store/index.js';
import { InboundMail, type MailEnvelope, type ReceiveOutcome } from './inbound-mail.js';
import { domainOf, replyAddress } from './mail-addresses.js';
import { MailboxesService } from './mailboxes-service.js';
import { type ChannelLog, DEFAULT_REPLY_RETRY, ReplyOutbox, type ReplyRetryPolicy } from './reply-outbox.js';
import { SmtpListener } from './smtp-listener.js';
import type { DeliveryStatus, PublicReply, TicketDesk } from './ticket-desk.js';
import { newReplyToken, threadOf } from './ticket-email-log.js';

export interface MailChannelOptions {
  readonly store: Store;
  readonly desk: TicketDesk;
  /** The engine's mailboxes service (one is made over the store when not given). */
  readonly mailboxes?: MailboxesService | undefined;
  /** The outbound relay (`TANDEM_SMTP_URL`); without it replies are recorded as failed. */
  readonly smtpUrl?: string | undefined;
  /** Where the SMTP listener listens (`TANDEM_SMTP_LISTEN`); off when unset. */
  readonly listen?: { readonly host: string; readonly port: number } | undefined;
  readonly log: ChannelLog;
  /** Larger messages are refused at the SMTP level. Default 25 MB. */
  readonly maxMessageBytes?: number | undefined;
  readonly retry?: ReplyRetryPolicy | undefined;
}

/**
 * Addresses another domain answers for at the SMTP listener (marketing email's bounce address,
 * sales sequences' reply address): mail to them goes to the route, not to a mailbox.
 */
export interface InboundRoute {
  /** Whether this address is the route's (checked before the mailboxes). */
  claims(address: string): boolean;
  /** Takes one email addressed to `recipients` (those of the envelope the route claims). */
  receive(raw: Buffer | string, envelope: MailEnvelope, recipients: readonly string[]): Promise<void>;
}

/** What the mailboxes page shows of the channel. */
export interface MailChannelState {
  readonly listening: boolean;
  readonly listenAddress: string | null;
  readonly relayConfigured: boolean;
}

// Older Message-IDs beyond this are dropped from References (the first is kept: it names the thread).
const MAX_REFERENCES = 30;

/**
 * The service desk's email channel: mail in (SMTP listener → ticket opened or replied to) and
 * agents' public replies out (through the relay, threaded, with their delivery status).
 */
export class MailChannel {
  private readonly inbound: InboundMail;
  private readonly mailboxes: MailboxesService;
  private readonly outbox: ReplyOutbox;
  private readonly sender: ThreadedMailSender | null;
  private listener: SmtpListener | null = null;
  private listeningPort: number | null = null;
  private readonly routes: InboundRoute[] = [];

  constructor(private readonly options: MailChannelOptions) {
    this.mailboxes = options.mailboxes ?? new MailboxesService(options.store);
    this.inbound = new InboundMail({
      store: options.store,
      desk: options.desk,
      mailboxes: this.mailboxes,
      log: options.log,
    });
    this.sender = options.smtpUrl ? smtpMailSender({ url: options.smtpUrl, from: '' }) : null;
    this.outbox = new ReplyOutbox({
      store: options.store,
      sender: this.sender,
      retry: options.retry ?? DEFAULT_REPLY_RETRY,
      log: options.log,
    });
  }

  /** Starts the SMTP listener (when configured) and resumes queued replies. */
  async start(): Promise<void> {
    await this.outbox.start();
    const listen = this.options.listen;
    if (!listen || this.listener) return;
    const listener = new SmtpListener(this, {
      maxMessageBytes: this.options.maxMessageBytes ?? 25 * 1024 * 1024,
      onError: (error) => this.options.log('error', 'inbound email failed', { error: error.message }),
    });
    this.listeningPort = await listener.listen(listen.host, listen.port);
    this.listener = listener;
    this.options.log('info', `SMTP listener on ${listen.host}:${this.listeningPort}`);
  }

  async stop(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    this.listeningPort = null;
    await listener?.close();
    await this.outbox.stop();
    this.sender?.close();
  }

  /** The listener's port once started (the configured one, or the one chosen for port 0). */
  get port(): number | null {
    return this.listeningPort;
  }

  state(): MailChannelState {
    const listen = this.options.listen;
    return {
      listening: this.listener !== null,
      listenAddress: listen ? `${listen.host}:${this.listeningPort ?? listen.port}` : null,
      relayConfigured: this.sender !== null,
    };
  }

  /** Adds addresses another domain answers for (see InboundRoute). */
  addRoute(route: InboundRoute): void {
    this.routes.push(route);
  }

  /** Whether mail to this address reaches a route or a mailbox. */
  async accepts(address: string): Promise<boolean> {
    if (this.routes.some((route) => route.claims(address))) return true;
    return this.inbound.accepts(address);
  }

  /**
   * Takes one email in (the listener calls this; so can tests and importers): recipients a
   * route claims go to it; the rest to the mailboxes.
   */
  async receive(raw: Buffer | string, envelope: MailEnvelope): Promise<ReceiveOutcome> {
    const rest = [...envelope.to];
    for (const route of this.routes) {
      const claimed = rest.filter((address) => route.claims(address));
      if (claimed.length === 0) continue;
      for (const address of claimed) rest.splice(rest.indexOf(address), 1);
      await route.receive(raw, envelope, claimed);
    }
    if (rest.length === 0 && envelope.to.length > 0) return { messageId: '', deliveries: [] };
    return this.inbound.receive(raw, { ...envelope, to: rest });
  }

  /**
   * Queues an agent's public reply: from the ticket's mailbox, answerable at its plus address,
   * threaded under the ticket's earlier emails. Sending happens in the background.
   */
  async sendReply(reply: PublicReply): Promise<void> {
    const db = this.options.store.db;
    const thread = await threadOf(db, reply.workspaceId, reply.ticketId);
    const mailboxes = await this.mailboxes.list(reply.workspaceId);
    const mailbox = mailboxes.find((candidate) => candidate.id === thread.mailboxId) ?? mailboxes[0] ?? null;
    const replyToken = thread.replyToken ?? newReplyToken();
    const emailId = newId('ticketEmail');
    const now = nowIso();
    const domain = mailbox ? domainOf(mailbox.address) : 'tandem.invalid';
    const messageId = `<${emailId}.t${reply.number}@${domain}>`;
    const row = {
      workspace_id: reply.workspaceId,
      email_id: emailId,
      mailbox_id: mailbox?.id ?? null,
      ticket_id: reply.ticketId,
      ticket_message_id: reply.messageId,
      rfc_message_id: messageId,
      direction: 'outbound' as const,
      reply_token: replyToken,
      status: 'queued',
      error: null,
      attempts: 0,
      next_attempt_at: null,
      payload: null,
      created_at: now,
      updated_at: now,
    };
    if (!mailbox) {
      await db
        .insertInto('ticket_emails')
        .values({
          ...row,
          status: 'failed',
          error: 'no mailbox to send from: add one under Settings → Mailboxes',
        })
        .execute();
      return;
    }
    const references =
      thread.rfcIds.length > MAX_REFERENCES
        ? [thread.rfcIds[0] as string, ...thread.rfcIds.slice(-(MAX_REFERENCES - 1))]
        : thread.rfcIds;
    await this.outbox.enqueue(row, {
      from: { address: mailbox.address, name: reply.fromName || mailbox.name },
      to: reply.to,
      cc: reply.cc,
      replyTo: replyAddress(mailbox.address, replyToken),
      subject: replySubject(reply.subject, reply.number),
      text: reply.text,
      html: reply.html,
      messageId,
      inReplyTo: thread.lastInbound ?? thread.rfcIds.at(-1),
      references,
      // Tells well-behaved auto-responders not to answer (RFC 3834 is for those that do).
      headers: { 'X-Auto-Response-Suppress': 'OOF, AutoReply' },
    });
  }

  /** The delivery status of the replies carrying these ticket messages. */
  async deliveryStatusOf(
    workspaceId: string,
    messageIds: readonly string[],
  ): Promise<Map<string, DeliveryStatus>> {
    const statuses = new Map<string, DeliveryStatus>();
    if (messageIds.length === 0) return statuses;
    const rows = await this.options.store.db
      .selectFrom('ticket_emails')
      .select(['ticket_message_id', 'status', 'error'])
      .where('workspace_id', '=', workspaceId)
      .where('direction', '=', 'outbound')
      .where('ticket_message_id', 'in', [...messageIds])
      .orderBy('created_at')
      .execute();
    for (const row of rows) {
      if (row.ticket_message_id === null) continue;
      const status = row.status as DeliveryStatus['status']; // outbound rows hold only these three
      statuses.set(
        row.ticket_message_id,
        row.error !== null && status !== 'sent' ? { status, error: row.error } : { status },
      );
    }
    return statuses;
  }

  /** Resolves once no reply is being sent or waiting for a retry (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.outbox.whenIdle();
  }
}

/** `Re: <subject> [#number]`, without piling up prefixes or numbers. */
export function replySubject(subject: string, number: number): string {
  let bare = subject.replace(/\s*\[#\d+\]/g, '').trim();
  for (;;) {
    const stripped = bare.replace(/^(re|fwd?|aw|sv|tr)\s*:\s*/i, '');
    if (stripped === bare) break;
    bare = stripped;
  }
  return `Re: ${bare || '(no subject)'} [#${number}]`;
}
