import type { CannedReply, CreateCannedReply, UpdateCannedReply } from '@tandem/contract';
import type { Selectable } from 'kysely';
import { recordCrmAudit } from '../../crm/index.js';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import type { Database, Store } from '../../store/index.js';
import { nowIso } from '../../store/index.js';
import { fillPlaceholders, personScope, placeholderError } from './canned-reply-placeholders.js';
import { unprocessable } from './ticket-errors.js';

export interface CannedRepliesDeps {
  readonly store: Store;
  /** The requester's traits and computed traits (what placeholders read). */
  readonly profileOf: (
    workspaceId: string,
    profileId: string,
  ) => Promise<{ traits: Record<string, unknown>; computedTraits: Record<string, unknown> }>;
  readonly ticketOf: (
    workspaceId: string,
    ticketId: string,
  ) => Promise<{ id: string; number: number; subject: string; profileId: string; status: string }>;
  readonly agentOf: (
    workspaceId: string,
    userId: string | null,
  ) => Promise<{ name: string; email: string | null }>;
  readonly clock?: (() => number) | undefined;
}

/** Canned replies: saved answers with placeholders filled from the requester and the ticket. */
export class CannedRepliesService {
  constructor(private readonly deps: CannedRepliesDeps) {}

  async list(workspaceId: string): Promise<CannedReply[]> {
    const rows = await this.deps.store.db
      .selectFrom('ticket_canned_replies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows.map(cannedOf);
  }

  async get(workspaceId: string, cannedReplyId: string): Promise<CannedReply> {
    const row = await this.deps.store.db
      .selectFrom('ticket_canned_replies')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('canned_reply_id', '=', cannedReplyId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `No canned reply ${cannedReplyId}`);
    return cannedOf(row);
  }

  async create(workspaceId: string, input: CreateCannedReply, actorId: string | null): Promise<CannedReply> {
    assertTemplate(input.body);
    const at = nowIso(this.deps.clock);
    const id = newId('cannedReply');
    await this.deps.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('ticket_canned_replies')
        .values({
          workspace_id: workspaceId,
          canned_reply_id: id,
          name: input.name,
          body: input.body,
          created_by: actorId,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'canned_reply',
          entityId: id,
          action: 'create',
          after: input,
          at,
        },
      ]);
    });
    return this.get(workspaceId, id);
  }

  async update(workspaceId: string, id: string, patch: UpdateCannedReply, actorId: string | null) {
    if (patch.body !== undefined) assertTemplate(patch.body);
    const before = await this.get(workspaceId, id);
    const at = nowIso(this.deps.clock);
    await this.deps.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('ticket_canned_replies')
        .set({ name: patch.name ?? before.name, body: patch.body ?? before.body, updated_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('canned_reply_id', '=', id)
        .execute();
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'canned_reply',
          entityId: id,
          action: 'update',
          before,
          after: patch,
          at,
        },
      ]);
    });
    return this.get(workspaceId, id);
  }

  async delete(workspaceId: string, id: string, actorId: string | null): Promise<void> {
    const before = await this.get(workspaceId, id);
    await this.deps.store.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('ticket_canned_replies')
        .where('workspace_id', '=', workspaceId)
        .where('canned_reply_id', '=', id)
        .execute();
      await recordCrmAudit(trx, [
        {
          workspaceId,
          actorId,
          entityType: 'canned_reply',
          entityId: id,
          action: 'delete',
          before,
          at: nowIso(this.deps.clock),
        },
      ]);
    });
  }

  /** The reply's text for this ticket: `person.*`, `traits.*`, `computedTraits.*`, `ticket.*`, `agent.*`. */
  async render(workspaceId: string, id: string, ticketId: string, agentId: string | null) {
    const canned = await this.get(workspaceId, id);
    const ticket = await this.deps.ticketOf(workspaceId, ticketId);
    const [profile, agent] = await Promise.all([
      this.deps.profileOf(workspaceId, ticket.profileId),
      this.deps.agentOf(workspaceId, agentId),
    ]);
    const body = fillPlaceholders(canned.body, {
      person: personScope(ticket.profileId, profile.traits),
      traits: profile.traits,
      computedTraits: profile.computedTraits,
      ticket: { id: ticket.id, number: ticket.number, subject: ticket.subject, status: ticket.status },
      agent,
    });
    return { body };
  }
}

/** A canned reply's body must be a valid Liquid template: the error names `body`. */
function assertTemplate(body: string): void {
  const problem = placeholderError(body);
  if (problem !== undefined) throw unprocessable('body', `not a valid template: ${problem}`);
}

function cannedOf(row: Selectable<Database['ticket_canned_replies']>): CannedReply {
  return {
    id: row.canned_reply_id,
    name: row.name,
    body: row.body,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
