// The tickets side of the email channel, as agreed in the service desk interfaces (issue 16).
// Declared here so email/ depends on the shape, never on tickets/'s code; the engine wires the
// real desk in.

/** A file attached to an inbound email. */
export interface EmailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly content: Buffer;
}

/** What email/ needs of the tickets domain. */
export interface TicketDesk {
  /** A new ticket from an inbound email (requester found or created as a profile by email). */
  openFromEmail(input: {
    workspaceId: string;
    teamId: string | null;
    mailboxId: string;
    from: { email: string; name?: string };
    cc: string[];
    subject: string;
    text: string;
    html?: string;
    attachments: EmailAttachment[];
  }): Promise<{ ticketId: string; number: number; messageId: string }>;
  /** A reply by email on an existing ticket (from the requester or a participant). */
  replyFromEmail(input: {
    workspaceId: string;
    ticketId: string;
    from: { email: string; name?: string };
    text: string;
    html?: string;
    attachments: EmailAttachment[];
  }): Promise<{ messageId: string }>;
  /** The ticket with this number in this workspace, if any. */
  ticketByNumber(workspaceId: string, number: number): Promise<{ ticketId: string } | null>;
  /** Email addresses allowed to reply into the ticket (requester, CC'd participants, agents). */
  participants(workspaceId: string, ticketId: string): Promise<string[]>;
}

/** An agent's public reply, handed to email/ by tickets/ (its `onPublicReply` hook). */
export interface PublicReply {
  readonly workspaceId: string;
  readonly ticketId: string;
  readonly number: number;
  /** The ticket message this email carries. */
  readonly messageId: string;
  readonly subject: string;
  readonly to: string[];
  readonly cc: string[];
  readonly text: string;
  readonly html?: string | undefined;
  readonly fromName: string;
}

/** Where an outbound reply is: the ticket page shows it beside the reply. */
export interface DeliveryStatus {
  readonly status: 'queued' | 'sent' | 'failed';
  readonly error?: string;
}
