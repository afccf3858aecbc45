import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId } from '../../ids/index.js';
import { type Database, nowIso } from '../../store/index.js';

// The channel's record of every email in or out of a ticket: threading looks Message-IDs and
// reply tokens up here, and outbound replies keep their delivery status here.

type Db = Kysely<Database>;
export type TicketEmailRow = Database['ticket_emails'];

/** A new reply token: 16 lower-case base32 characters (plus tags are compared case-insensitively). */
export function newReplyToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(16)].map((byte) => alphabet[byte & 31]).join('');
}

/** The ticket an email with these Message-IDs belongs to (the latest that knows one), if any. */
export async function ticketByMessageIds(db: Db, workspaceId: string, rfcIds: readonly string[]) {
  if (rfcIds.length === 0) return null;
  const row = await db
    .selectFrom('ticket_emails')
    .select('ticket_id')
    .where('workspace_id', '=', workspaceId)
    .where('rfc_message_id', 'in', [...rfcIds])
    .where('ticket_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.ticket_id ?? null;
}

export async function ticketByReplyToken(db: Db, workspaceId: string, token: string) {
  const row = await db
    .selectFrom('ticket_emails')
    .select('ticket_id')
    .where('reply_token', '=', token)
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', 'is not', null)
    .executeTakeFirst();
  return row?.ticket_id ?? null;
}

/** Whether this inbound Message-ID was taken in already (an SMTP retry, or two of our mailboxes). */
export async function hasInbound(db: Db, workspaceId: string, rfcId: string): Promise<boolean> {
  const row = await db
    .selectFrom('ticket_emails')
    .select('email_id')
    .where('workspace_id', '=', workspaceId)
    .where('rfc_message_id', '=', rfcId)
    .where('direction', '=', 'inbound')
    .executeTakeFirst();
  return row !== undefined;
}

/** A ticket's emails, oldest first: its thread's Message-IDs, its reply token, its mailbox. */
export async function threadOf(db: Db, workspaceId: string, ticketId: string) {
  const rows = await db
    .selectFrom('ticket_emails')
    .select(['rfc_message_id', 'direction', 'status', 'reply_token', 'mailbox_id'])
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('email_id')
    .execute();
  // Replies that never left are no part of the thread the recipients see.
  const seen = rows.filter((row) => row.status !== 'failed');
  return {
    rfcIds: seen.map((row) => row.rfc_message_id),
    lastInbound: seen.filter((row) => row.direction === 'inbound').at(-1)?.rfc_message_id ?? null,
    replyToken: rows.find((row) => row.reply_token !== null)?.reply_token ?? null,
    mailboxId: rows.filter((row) => row.mailbox_id !== null).at(-1)?.mailbox_id ?? null,
  };
}

/** Records an inbound email: joined to a ticket, or `ignored` (with why, in `error`). */
export async function recordInbound(
  db: Db,
  email: {
    workspaceId: string;
    mailboxId: string;
    rfcId: string;
    ticketId: string | null;
    ticketMessageId: string | null;
    replyToken: string | null;
    ignoredBecause?: string;
  },
): Promise<void> {
  const now = nowIso();
  await db
    .insertInto('ticket_emails')
    .values({
      workspace_id: email.workspaceId,
      email_id: newId('ticketEmail'),
      mailbox_id: email.mailboxId,
      ticket_id: email.ticketId,
      ticket_message_id: email.ticketMessageId,
      rfc_message_id: email.rfcId,
      direction: 'inbound',
      reply_token: email.replyToken,
      status: email.ignoredBecause === undefined ? 'received' : 'ignored',
      error: email.ignoredBecause ?? null,
      attempts: 0,
      next_attempt_at: null,
      payload: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** Marks the replies a bounce returned as failed; how many it found. */
export async function markBounced(
  db: Db,
  workspaceId: string,
  bounce: { rfcIds: readonly string[]; reason: string },
): Promise<number> {
  if (bounce.rfcIds.length === 0) return 0;
  const result = await db
    .updateTable('ticket_emails')
    .set({
      status: 'failed',
      error: `bounced: ${bounce.reason}`,
      next_attempt_at: null,
      updated_at: nowIso(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('direction', '=', 'outbound')
    .where('rfc_message_id', 'in', [...bounce.rfcIds])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
