import {
  MAX_TICKET_ATTACHMENT_BYTES,
  type NewAttachment,
  type TicketChannel,
  type TicketStatus,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import type { Database } from '../../store/index.js';
import type { InboundAttachment } from './ticket-desk.js';

// The low-level writes of a ticket's parts, each in the caller's transaction.

/** The workspace's next ticket number: the counter row's update serializes concurrent openers. */
export async function nextTicketNumber(trx: Kysely<Database>, workspaceId: string): Promise<number> {
  await trx
    .insertInto('ticket_counters')
    .values({ workspace_id: workspaceId, last_number: 0 })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  const row = await trx
    .updateTable('ticket_counters')
    .set((eb) => ({ last_number: eb('last_number', '+', 1) }))
    .where('workspace_id', '=', workspaceId)
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return Number(row.last_number);
}

export interface MessageInput {
  workspaceId: string;
  ticketId: string;
  isPublic: boolean;
  author: { type: 'requester' | 'agent'; id: string | null; email: string | null };
  channel: TicketChannel;
  body: string;
  html?: string | undefined;
  attachments: readonly InboundAttachment[];
  at: string;
}

export async function insertMessage(trx: Kysely<Database>, input: MessageInput): Promise<string> {
  const messageId = newId('ticketMessage');
  await trx
    .insertInto('ticket_messages')
    .values({
      workspace_id: input.workspaceId,
      message_id: messageId,
      ticket_id: input.ticketId,
      public: input.isPublic ? 1 : 0,
      author_type: input.author.type,
      author_id: input.author.id,
      author_email: input.author.email,
      channel: input.channel,
      body: input.body,
      html: input.html ?? null,
      created_at: input.at,
    })
    .execute();
  if (input.attachments.length > 0)
    await trx
      .insertInto('ticket_attachments')
      .values(
        input.attachments.map((a) => ({
          workspace_id: input.workspaceId,
          attachment_id: newId('ticketAttachment'),
          ticket_id: input.ticketId,
          message_id: messageId,
          filename: a.filename,
          content_type: a.contentType,
          size: a.content.length,
          content: a.content.toString('base64'),
        })),
      )
      .execute();
  return messageId;
}

/** Attachments of an API request, decoded and held to the size cap (413 naming the file). */
export function decodeAttachments(attachments: readonly NewAttachment[] | undefined): InboundAttachment[] {
  return (attachments ?? []).map((a, index) => {
    const content = Buffer.from(a.contentBase64, 'base64');
    checkSize(`attachments.${index}`, a.filename, content.length);
    return { filename: a.filename, contentType: a.contentType, size: content.length, content };
  });
}

export function checkSize(path: string, filename: string, size: number): void {
  if (size > MAX_TICKET_ATTACHMENT_BYTES)
    throw new AppError(
      'payload_too_large',
      `${path}: ${filename} is ${size} bytes; attachments are limited to ${MAX_TICKET_ATTACHMENT_BYTES} bytes`,
      { details: [{ path, message: `larger than ${MAX_TICKET_ATTACHMENT_BYTES} bytes` }] },
    );
}

export async function recordStatus(
  trx: Kysely<Database>,
  change: { workspaceId: string; ticketId: string; status: TicketStatus; actorId: string | null; at: string },
): Promise<string> {
  const changeId = newId('ticketStatusChange');
  await trx
    .insertInto('ticket_status_changes')
    .values({
      workspace_id: change.workspaceId,
      change_id: changeId,
      ticket_id: change.ticketId,
      status: change.status,
      actor_id: change.actorId,
      at: change.at,
    })
    .execute();
  return changeId;
}

/** Replaces a ticket's tag index with `tags`. */
export async function writeTags(
  trx: Kysely<Database>,
  workspaceId: string,
  ticketId: string,
  tags: readonly string[],
): Promise<void> {
  await trx
    .deleteFrom('ticket_tags')
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .execute();
  if (tags.length > 0)
    await trx
      .insertInto('ticket_tags')
      .values(tags.map((tag) => ({ workspace_id: workspaceId, ticket_id: ticketId, tag })))
      .execute();
}

export function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
}
