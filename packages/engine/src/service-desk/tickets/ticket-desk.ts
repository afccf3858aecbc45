import type { TicketPriority, TicketSla, TicketStatus } from '@tandem/contract';

// The interfaces where tickets meet the SLA clocks (sla/) and the mail channel (email/): declared
// here, implemented there, wired by the engine. Shapes follow docs of issue 16's interfaces.

/** A ticket's history as the SLA clock needs it. */
export interface TicketTimeline {
  workspaceId: string;
  ticketId: string;
  priority: TicketPriority;
  type: string | null;
  tags: string[];
  teamId: string | null;
  createdAt: string;
  /** In order; the first is the initial status. */
  statusChanges: { status: TicketStatus; at: string }[];
  /** Public messages in order: who wrote each. Internal notes excluded. */
  publicMessages: { author: 'requester' | 'agent'; at: string }[];
  /** The requester's profile (for trait conditions). */
  profileId: string;
}

/** What tickets need of the SLA service (optional: without it tickets carry `sla: null`). */
export interface TicketSlaTracker {
  track(timeline: TicketTimeline): Promise<unknown>;
  clocksOf(workspaceId: string, ticketIds: string[]): Promise<Map<string, TicketSla>>;
  atRisk?(workspaceId: string, opts: { limit: number }): Promise<string[]>;
  forget?(workspaceId: string, ticketIds: string[]): Promise<void>;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}

/** A public agent reply, handed to the mail channel to send. */
export interface PublicReply {
  workspaceId: string;
  ticketId: string;
  number: number;
  messageId: string;
  subject: string;
  to: string[];
  cc: string[];
  text: string;
  html?: string;
  fromName: string;
}

export type DeliveryStatus = { status: 'queued' | 'sent' | 'failed'; error?: string };

/** What the mail channel calls to open tickets and add replies from email. */
export interface TicketDesk {
  openFromEmail(input: {
    workspaceId: string;
    teamId: string | null;
    mailboxId: string;
    from: { email: string; name?: string };
    cc: string[];
    subject: string;
    text: string;
    html?: string;
    attachments: InboundAttachment[];
  }): Promise<{ ticketId: string; number: number; messageId: string }>;
  replyFromEmail(input: {
    workspaceId: string;
    ticketId: string;
    from: { email: string; name?: string };
    text: string;
    html?: string;
    attachments: InboundAttachment[];
    /** Where the reply came from: email (default), or `web` for the customer portal. */
    channel?: 'email' | 'web';
  }): Promise<{ messageId: string }>;
  ticketByNumber(workspaceId: string, number: number): Promise<{ ticketId: string } | null>;
  participants(workspaceId: string, ticketId: string): Promise<string[]>;
}
