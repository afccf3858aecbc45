import { createHash, randomBytes } from 'node:crypto';
import type { Ticket, TicketMessage } from '@tandem/contract';
import { AppError } from '../../errors/index.js';
import type { MailSender } from '../../mail/index.js';
import type { Store } from '../../store/index.js';
import { nowIso } from '../../store/index.js';

/** What the portal needs of tickets/ (its public functions, wired by the engine). */
export interface PortalTickets {
  ticketsOfRequester(workspaceId: string, email: string, limit?: number): Promise<Ticket[]>;
  requesterView(
    workspaceId: string,
    ticketId: string,
    email: string,
  ): Promise<{ ticket: Ticket; messages: Omit<TicketMessage, 'delivery'>[] } | null>;
  replyFromEmail(input: {
    workspaceId: string;
    ticketId: string;
    from: { email: string };
    text: string;
    attachments: [];
    channel?: 'email' | 'web';
  }): Promise<{ messageId: string }>;
}

export interface PortalDeps {
  readonly store: Store;
  readonly tickets: PortalTickets;
  /** The relay sign-in links go out through; without one the portal cannot sign anyone in. */
  readonly mail?: MailSender | undefined;
  /** The help center's public address of a workspace (the link's base). */
  readonly portalUrlOf: (workspaceId: string) => Promise<string>;
  readonly linkTtlMs?: number | undefined;
  readonly sessionTtlMs?: number | undefined;
  readonly clock?: (() => number) | undefined;
}

const LINK_TTL_MS = 15 * 60_000;
const SESSION_TTL_MS = 8 * 3_600_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * The customer portal: a requester asks for a sign-in link by email, the emailed one-time link
 * (short-lived, single use) opens a portal session for that workspace alone, and the session
 * shows their tickets' public conversation and lets them reply as the requester. Secrets are
 * stored only as hashes.
 */
export class PortalService {
  private readonly clock: () => number;
  constructor(private readonly deps: PortalDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  get canSendLinks(): boolean {
    return this.deps.mail !== undefined;
  }

  /**
   * Emails a sign-in link when the address has tickets in this workspace. The caller's answer is
   * the same either way, so the form does not reveal who has tickets.
   */
  async requestLink(workspaceId: string, rawEmail: string): Promise<{ sent: boolean }> {
    const email = rawEmail.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 320)
      throw new AppError('unprocessable', 'Invalid email: not an email address', {
        details: [{ path: 'email', message: 'not an email address' }],
      });
    if (!this.deps.mail)
      throw new AppError('not_ready', 'The help center cannot send email: no SMTP relay is set');
    await this.sweep();
    const tickets = await this.deps.tickets.ticketsOfRequester(workspaceId, email, 1);
    if (tickets.length === 0) return { sent: false };
    const secret = randomBytes(32).toString('base64url');
    await this.insertToken(workspaceId, email, 'link', secret, this.deps.linkTtlMs ?? LINK_TTL_MS);
    const url = `${await this.deps.portalUrlOf(workspaceId)}/sign-in?token=${encodeURIComponent(secret)}`;
    const minutes = Math.round((this.deps.linkTtlMs ?? LINK_TTL_MS) / 60_000);
    await this.deps.mail.send({
      to: email,
      subject: 'Your sign-in link to the help center',
      text: `Open this link to see and answer your support requests:\n\n${url}\n\nIt works once, for ${minutes} minutes. If you did not ask for it, ignore this email.`,
    });
    return { sent: true };
  }

  /** Trades a sign-in link's token (once, before it expires) for a portal session secret. */
  async redeem(workspaceId: string, token: string): Promise<{ session: string; email: string } | null> {
    const now = nowIso(this.clock);
    const hash = hashOf(token);
    const row = await this.deps.store.db
      .selectFrom('help_portal_tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'link')
      .executeTakeFirst();
    if (!row || row.used_at !== null || row.expires_at <= now) return null;
    // Only the one update that finds it unused wins: a link opened twice at once signs in once.
    const used = await this.deps.store.db
      .updateTable('help_portal_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return null;
    const session = randomBytes(32).toString('base64url');
    await this.insertToken(
      workspaceId,
      row.email,
      'session',
      session,
      this.deps.sessionTtlMs ?? SESSION_TTL_MS,
    );
    return { session, email: row.email };
  }

  /** The requester a portal session belongs to, if it is live and of this workspace. */
  async emailOfSession(workspaceId: string, session: string): Promise<string | null> {
    const row = await this.deps.store.db
      .selectFrom('help_portal_tokens')
      .select(['email', 'expires_at'])
      .where('token_hash', '=', hashOf(session))
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'session')
      .executeTakeFirst();
    if (!row || row.expires_at <= nowIso(this.clock)) return null;
    return row.email;
  }

  async signOut(session: string): Promise<void> {
    await this.deps.store.db
      .deleteFrom('help_portal_tokens')
      .where('token_hash', '=', hashOf(session))
      .where('kind', '=', 'session')
      .execute();
  }

  tickets(workspaceId: string, email: string) {
    return this.deps.tickets.ticketsOfRequester(workspaceId, email);
  }

  ticket(workspaceId: string, email: string, ticketId: string) {
    return this.deps.tickets.requesterView(workspaceId, ticketId, email);
  }

  /** The requester's reply joins the ticket as a requester message (like an email reply). */
  async reply(workspaceId: string, email: string, ticketId: string, text: string) {
    if (!(await this.deps.tickets.requesterView(workspaceId, ticketId, email)))
      throw new AppError('not_found', `No ticket ${ticketId}`);
    if (text.trim() === '')
      throw new AppError('unprocessable', 'Invalid text: write a message', {
        details: [{ path: 'text', message: 'empty' }],
      });
    if (text.length > 20_000)
      throw new AppError('unprocessable', 'Invalid text: at most 20,000 characters', {
        details: [{ path: 'text', message: 'too long' }],
      });
    return this.deps.tickets.replyFromEmail({
      workspaceId,
      ticketId,
      from: { email },
      text,
      attachments: [],
      channel: 'web',
    });
  }

  /** Forgets expired links and sessions. */
  async sweep(): Promise<void> {
    await this.deps.store.db
      .deleteFrom('help_portal_tokens')
      .where('expires_at', '<=', nowIso(this.clock))
      .execute();
  }

  private async insertToken(workspaceId: string, email: string, kind: string, secret: string, ttlMs: number) {
    const now = this.clock();
    await this.deps.store.db
      .insertInto('help_portal_tokens')
      .values({
        token_hash: hashOf(secret),
        workspace_id: workspaceId,
        email,
        kind,
        expires_at: new Date(now + ttlMs).toISOString(),
        used_at: null,
        created_at: new Date(now).toISOString(),
      })
      .execute();
  }
}
