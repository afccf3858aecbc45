import type { AddressObject, ParsedMail } from 'mailparser';
import { newId } from '../../ids/index.js';
import { parseMail } from '../../mail/index.js';
import type { Store } from '../../store/index.js';
import { type AutomaticMailKind, automaticMailKind } from './automatic-mail.js';
import { bounceReportOf } from './bounce-report.js';
import { normalizeAddress, parseRecipient } from './mail-addresses.js';
import type { MailboxesService } from './mailboxes-service.js';
import type { ChannelLog } from './reply-outbox.js';
import { replyText } from './reply-text.js';
import type { EmailAttachment, TicketDesk } from './ticket-desk.js';
import {
  hasInbound,
  markBounced,
  newReplyToken,
  recordInbound,
  ticketByMessageIds,
  ticketByReplyToken,
} from './ticket-email-log.js';

/** The SMTP envelope: who the mail was delivered to and the reverse path ('' for a null sender). */
export interface MailEnvelope {
  readonly to: readonly string[];
  readonly from: string;
}

/** How a ticket was found for a reply. */
export type ThreadedBy = 'headers' | 'reply_address' | 'subject';

/** What became of an email at one mailbox it was addressed to. */
export type MailboxDelivery =
  | { kind: 'opened'; mailboxId: string; ticketId: string; number: number; messageId: string }
  | { kind: 'replied'; mailboxId: string; ticketId: string; messageId: string; threadedBy: ThreadedBy }
  | { kind: 'ignored'; mailboxId: string; reason: AutomaticMailKind | 'duplicate' | 'own_mail' };

/** What became of an email: one delivery per mailbox among its recipients. */
export interface ReceiveOutcome {
  /** Its Message-ID (one is made up when it has none). */
  readonly messageId: string;
  readonly deliveries: readonly MailboxDelivery[];
}

const SUBJECT_NUMBER = /\[#(\d{1,12})\]/;

/** Inbound mail: finds each recipient mailbox, threads the mail into a ticket or opens one. */
export class InboundMail {
  constructor(
    private readonly deps: {
      store: Store;
      desk: TicketDesk;
      mailboxes: MailboxesService;
      log: ChannelLog;
    },
  ) {}

  async receive(raw: Buffer | string, envelope: MailEnvelope): Promise<ReceiveOutcome> {
    const mail = await parseMail(raw);
    const messageId = mail.messageId ?? `<${newId('ticketEmail')}@tandem.invalid>`;
    const sender = firstAddress(mail.from);
    const recipients = await this.mailboxesAmong(envelope.to);
    const deliveries: MailboxDelivery[] = [];
    for (const { mailbox, replyToken } of recipients) {
      deliveries.push(
        await this.deliver(mail, { mailbox, replyToken, messageId, sender, envelopeFrom: envelope.from }),
      );
    }
    return { messageId, deliveries };
  }

  /** Whether mail to this address reaches a mailbox (the listener's check at RCPT time). */
  async accepts(address: string): Promise<boolean> {
    return (await this.deps.mailboxes.byAddress(parseRecipient(address).mailboxAddress)) !== null;
  }

  private async deliver(
    mail: ParsedMail,
    at: {
      mailbox: { id: string; workspaceId: string; teamId: string | null; address: string };
      replyToken: string | null;
      messageId: string;
      sender: { email: string; name?: string } | null;
      envelopeFrom: string;
    },
  ): Promise<MailboxDelivery> {
    const db = this.deps.store.db;
    const { mailbox } = at;
    const workspaceId = mailbox.workspaceId;
    const ignore = async (reason: AutomaticMailKind | 'duplicate' | 'own_mail'): Promise<MailboxDelivery> => {
      if (reason !== 'duplicate') {
        await recordInbound(db, {
          workspaceId,
          mailboxId: mailbox.id,
          rfcId: at.messageId,
          ticketId: null,
          ticketMessageId: null,
          replyToken: null,
          ignoredBecause: reason,
        });
      }
      this.deps.log('info', 'inbound email set aside', {
        workspaceId,
        mailbox: mailbox.address,
        messageId: at.messageId,
        reason,
      });
      return { kind: 'ignored', mailboxId: mailbox.id, reason };
    };

    if (await hasInbound(db, workspaceId, at.messageId)) return ignore('duplicate');
    const automatic = automaticMailKind({
      headers: mail.headers,
      envelopeFrom: at.envelopeFrom,
      fromAddress: at.sender?.email ?? null,
    });
    if (automatic === 'bounce') {
      // A reply of ours that could not be delivered shows as failed on its ticket.
      const report = bounceReportOf(mail);
      if (report.permanent) await markBounced(db, workspaceId, report);
    }
    if (automatic !== null) return ignore(automatic);
    if (at.sender === null) return ignore('bounce');
    // This workspace's own replies coming back (a mailbox CC'd on a reply): taking them in would
    // loop. Another workspace's mailbox writing is a conversation like any other.
    const senderMailbox = await this.deps.mailboxes.byAddress(parseRecipient(at.sender.email).mailboxAddress);
    if (senderMailbox?.workspaceId === workspaceId) return ignore('own_mail');

    const body = bodyOf(mail);
    const thread = await this.findTicket(mail, workspaceId, at.replyToken, at.sender.email);
    if (thread !== null) {
      const reply = await this.deps.desk.replyFromEmail({
        workspaceId,
        ticketId: thread.ticketId,
        from: at.sender,
        ...body,
        text: replyText(body.text),
      });
      await recordInbound(db, {
        workspaceId,
        mailboxId: mailbox.id,
        rfcId: at.messageId,
        ticketId: thread.ticketId,
        ticketMessageId: reply.messageId,
        replyToken: null,
      });
      return {
        kind: 'replied',
        mailboxId: mailbox.id,
        ticketId: thread.ticketId,
        messageId: reply.messageId,
        threadedBy: thread.by,
      };
    }

    const opened = await this.deps.desk.openFromEmail({
      workspaceId,
      teamId: mailbox.teamId,
      mailboxId: mailbox.id,
      from: at.sender,
      cc: await this.participantsAmong(mail, at.sender.email),
      subject: mail.subject?.trim() || '(no subject)',
      ...body,
    });
    await recordInbound(db, {
      workspaceId,
      mailboxId: mailbox.id,
      rfcId: at.messageId,
      ticketId: opened.ticketId,
      ticketMessageId: opened.messageId,
      replyToken: newReplyToken(),
    });
    return { kind: 'opened', mailboxId: mailbox.id, ...opened };
  }

  /**
   * The ticket a mail replies to: by its In-Reply-To / References, then the plus address it was
   * sent to, then a `[#123]` in its subject — and only when its sender takes part in that ticket.
   */
  private async findTicket(
    mail: ParsedMail,
    workspaceId: string,
    replyToken: string | null,
    senderEmail: string,
  ): Promise<{ ticketId: string; by: ThreadedBy } | null> {
    const db = this.deps.store.db;
    const candidates: { ticketId: string | null; by: ThreadedBy }[] = [];
    // The latest references are the likeliest ours; a bounded lookup however long the thread.
    const referenced = [...listOf(mail.inReplyTo), ...listOf(mail.references).slice(-50)];
    candidates.push({ ticketId: await ticketByMessageIds(db, workspaceId, referenced), by: 'headers' });
    if (replyToken !== null) {
      candidates.push({
        ticketId: await ticketByReplyToken(db, workspaceId, replyToken),
        by: 'reply_address',
      });
    }
    const number = SUBJECT_NUMBER.exec(mail.subject ?? '')?.[1];
    if (number !== undefined) {
      const ticket = await this.deps.desk.ticketByNumber(workspaceId, Number(number));
      candidates.push({ ticketId: ticket?.ticketId ?? null, by: 'subject' });
    }
    for (const candidate of candidates) {
      if (candidate.ticketId === null) continue;
      const participants = await this.deps.desk.participants(workspaceId, candidate.ticketId);
      if (participants.some((email) => normalizeAddress(email) === senderEmail)) {
        return { ticketId: candidate.ticketId, by: candidate.by };
      }
    }
    return null;
  }

  /** The mailboxes among the envelope's recipients, each once (a plus address names its ticket). */
  private async mailboxesAmong(recipients: readonly string[]) {
    const found = new Map<
      string,
      {
        mailbox: { id: string; workspaceId: string; teamId: string | null; address: string };
        replyToken: string | null;
      }
    >();
    for (const recipient of recipients) {
      const { mailboxAddress, replyToken } = parseRecipient(recipient);
      const mailbox = await this.deps.mailboxes.byAddress(mailboxAddress);
      if (!mailbox) continue;
      const known = found.get(mailbox.id);
      if (!known || (known.replyToken === null && replyToken !== null))
        found.set(mailbox.id, { mailbox, replyToken });
    }
    return [...found.values()];
  }

  /** Everyone else the mail went to (To and Cc), our mailboxes aside: they join the ticket. */
  private async participantsAmong(mail: ParsedMail, senderEmail: string): Promise<string[]> {
    const addresses = [...addressesOf(mail.to), ...addressesOf(mail.cc)];
    const participants: string[] = [];
    for (const address of addresses) {
      if (address === senderEmail || participants.includes(address)) continue;
      if (await this.deps.mailboxes.byAddress(parseRecipient(address).mailboxAddress)) continue;
      participants.push(address);
    }
    return participants;
  }
}

function bodyOf(mail: ParsedMail): { text: string; html?: string; attachments: EmailAttachment[] } {
  const attachments = mail.attachments.map((attachment) => ({
    filename: attachment.filename ?? 'attachment',
    contentType: attachment.contentType,
    size: attachment.size,
    content: attachment.content,
  }));
  const text = mail.text?.trim() ?? '';
  return typeof mail.html === 'string' ? { text, html: mail.html, attachments } : { text, attachments };
}

function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  // In-Reply-To may hold several ids separated by spaces.
  return (Array.isArray(value) ? value : value.split(/\s+/)).map((id) => id.trim()).filter((id) => id !== '');
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((object) =>
    object.value.flatMap((entry) => [
      ...(entry.address ? [normalizeAddress(entry.address)] : []),
      // A group's members.
      ...(entry.group ?? []).flatMap((member) => (member.address ? [normalizeAddress(member.address)] : [])),
    ]),
  );
}

function firstAddress(value: AddressObject | undefined): { email: string; name?: string } | null {
  const entry = value?.value.find((candidate) => candidate.address);
  if (!entry?.address) return null;
  const email = normalizeAddress(entry.address);
  return entry.name ? { email, name: entry.name } : { email };
}
