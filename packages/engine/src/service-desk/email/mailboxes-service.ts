import type { InboundEmail, Mailbox, NewMailbox, UpdateMailbox } from '@tandem/contract';
import { AppError } from '../../errors/index.js';
import { newId } from '../../ids/index.js';
import { type Database, nowIso, type Store } from '../../store/index.js';
import { normalizeAddress } from './mail-addresses.js';

type MailboxRow = Database['mailboxes'];

/** Whether a team exists in a workspace (the CRM's teams, wired by the engine). */
export type TeamCheck = (workspaceId: string, teamId: string) => Promise<boolean>;

/**
 * Mailboxes: addresses whose mail opens tickets, each for a team (or none). An address belongs
 * to one mailbox across all workspaces, since the listener routes mail by address alone.
 */
export class MailboxesService {
  constructor(
    private readonly store: Store,
    private readonly teamExists: TeamCheck = async () => true,
  ) {}

  async list(workspaceId: string): Promise<Mailbox[]> {
    const rows = await this.store.db
      .selectFrom('mailboxes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('address')
      .execute();
    return rows.map(mailboxOf);
  }

  /** The mailboxes whose mail opens tickets for this team, as `mailbox "support@acme.com"`. */
  async readersOfTeam(workspaceId: string, teamId: string): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('mailboxes')
      .select('address')
      .where('workspace_id', '=', workspaceId)
      .where('team_id', '=', teamId)
      .orderBy('address')
      .execute();
    return rows.map((row) => `mailbox "${row.address}"`);
  }

  /** Throws `not_found`. */
  async get(workspaceId: string, mailboxId: string): Promise<Mailbox> {
    const row = await this.store.db
      .selectFrom('mailboxes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('mailbox_id', '=', mailboxId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `mailbox ${mailboxId} not found`);
    return mailboxOf(row);
  }

  /** Throws `conflict` (address taken, here or in another workspace) or `bad_request` (no such team). */
  async create(workspaceId: string, input: NewMailbox): Promise<Mailbox> {
    const address = normalizeAddress(input.address);
    if (input.teamId !== undefined) await this.checkTeam(workspaceId, input.teamId);
    const row: MailboxRow = {
      workspace_id: workspaceId,
      mailbox_id: newId('mailbox'),
      address,
      name: input.name ?? address.slice(0, address.indexOf('@')),
      team_id: input.teamId ?? null,
      created_at: nowIso(),
    };
    if (await this.byAddress(address)) throw addressTaken(address);
    try {
      await this.store.db.insertInto('mailboxes').values(row).execute();
    } catch (error) {
      // Two creations raced past the check: the unique index decides.
      if (await this.byAddress(address)) throw addressTaken(address);
      throw error;
    }
    return mailboxOf(row);
  }

  /** Throws `not_found` or `bad_request` (no such team). */
  async update(workspaceId: string, mailboxId: string, patch: UpdateMailbox): Promise<Mailbox> {
    const current = await this.get(workspaceId, mailboxId);
    if (patch.teamId !== undefined && patch.teamId !== null) await this.checkTeam(workspaceId, patch.teamId);
    const next: Mailbox = {
      ...current,
      name: patch.name ?? current.name,
      teamId: patch.teamId === undefined ? current.teamId : patch.teamId,
    };
    await this.store.db
      .updateTable('mailboxes')
      .set({ name: next.name, team_id: next.teamId })
      .where('workspace_id', '=', workspaceId)
      .where('mailbox_id', '=', mailboxId)
      .execute();
    return next;
  }

  /** Mail to its address is refused from then on. Throws `not_found`. */
  async delete(workspaceId: string, mailboxId: string): Promise<void> {
    await this.get(workspaceId, mailboxId);
    await this.store.db
      .deleteFrom('mailboxes')
      .where('workspace_id', '=', workspaceId)
      .where('mailbox_id', '=', mailboxId)
      .execute();
  }

  /** The latest emails the workspace's mailboxes took in, newest first, and what became of each. */
  async recentMail(workspaceId: string, limit: number): Promise<InboundEmail[]> {
    const rows = await this.store.db
      .selectFrom('ticket_emails')
      .select(['created_at', 'mailbox_id', 'rfc_message_id', 'status', 'error', 'ticket_id'])
      .where('workspace_id', '=', workspaceId)
      .where('direction', '=', 'inbound')
      .orderBy('created_at', 'desc')
      .orderBy('email_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      receivedAt: row.created_at,
      mailboxId: row.mailbox_id,
      messageId: row.rfc_message_id,
      outcome: row.status === 'ignored' ? 'set_aside' : 'ticket',
      reason: row.status === 'ignored' ? row.error : null,
      ticketId: row.ticket_id,
    }));
  }

  /** The mailbox an address (already without its plus tag) reaches, in whichever workspace. */
  async byAddress(address: string): Promise<(Mailbox & { workspaceId: string }) | null> {
    const row = await this.store.db
      .selectFrom('mailboxes')
      .selectAll()
      .where('address', '=', normalizeAddress(address))
      .executeTakeFirst();
    return row ? { ...mailboxOf(row), workspaceId: row.workspace_id } : null;
  }

  private async checkTeam(workspaceId: string, teamId: string): Promise<void> {
    if (!(await this.teamExists(workspaceId, teamId))) {
      throw new AppError('bad_request', `teamId: team ${teamId} not found`, {
        details: [{ path: 'teamId', message: `team ${teamId} not found` }],
      });
    }
  }
}

function addressTaken(address: string): AppError {
  return new AppError('conflict', `address: ${address} is already a mailbox`, {
    details: [{ path: 'address', message: `${address} is already a mailbox` }],
  });
}

function mailboxOf(row: MailboxRow): Mailbox {
  return {
    id: row.mailbox_id,
    address: row.address,
    name: row.name,
    teamId: row.team_id,
    createdAt: row.created_at,
  };
}
