import type { EmailAttachment, TicketDesk } from '../ticket-desk.js';

/** A ticket as the memory desk keeps it. */
export interface MemoryTicket {
  readonly ticketId: string;
  readonly workspaceId: string;
  readonly number: number;
  readonly teamId: string | null;
  readonly mailboxId: string;
  readonly requester: string;
  readonly cc: string[];
  readonly subject: string;
  readonly messages: {
    messageId: string;
    from: string;
    text: string;
    html?: string | undefined;
    attachments: EmailAttachment[];
  }[];
}

/**
 * The tickets side of the channel held in memory: a stand-in for tickets/ in email/'s own tests
 * and benchmark (the SMTP on both sides stays real). Participants are the requester, the CC'd
 * people and the agents given.
 */
export class MemoryDesk implements TicketDesk {
  readonly tickets: MemoryTicket[] = [];
  private messageCount = 0;

  constructor(private readonly agents: readonly string[] = []) {}

  async openFromEmail(input: Parameters<TicketDesk['openFromEmail']>[0]) {
    const number = this.tickets.filter((ticket) => ticket.workspaceId === input.workspaceId).length + 1;
    const ticket: MemoryTicket = {
      ticketId: `tick_${input.workspaceId}_${number}`,
      workspaceId: input.workspaceId,
      number,
      teamId: input.teamId,
      mailboxId: input.mailboxId,
      requester: input.from.email,
      cc: [...input.cc],
      subject: input.subject,
      messages: [],
    };
    this.tickets.push(ticket);
    const messageId = this.addMessage(ticket, input);
    return { ticketId: ticket.ticketId, number, messageId };
  }

  async replyFromEmail(input: Parameters<TicketDesk['replyFromEmail']>[0]) {
    const ticket = this.find(input.workspaceId, input.ticketId);
    if (!ticket) throw new Error(`no ticket ${input.ticketId}`);
    return { messageId: this.addMessage(ticket, input) };
  }

  async ticketByNumber(workspaceId: string, number: number) {
    const ticket = this.tickets.find((t) => t.workspaceId === workspaceId && t.number === number);
    return ticket ? { ticketId: ticket.ticketId } : null;
  }

  async participants(workspaceId: string, ticketId: string) {
    const ticket = this.find(workspaceId, ticketId);
    return ticket ? [ticket.requester, ...ticket.cc, ...this.agents] : [];
  }

  find(workspaceId: string, ticketId: string): MemoryTicket | undefined {
    return this.tickets.find((t) => t.workspaceId === workspaceId && t.ticketId === ticketId);
  }

  private addMessage(
    ticket: MemoryTicket,
    input: { from: { email: string }; text: string; html?: string; attachments: EmailAttachment[] },
  ): string {
    this.messageCount += 1;
    const messageId = `tmsg_${this.messageCount}`;
    ticket.messages.push({
      messageId,
      from: input.from.email,
      text: input.text,
      html: input.html,
      attachments: input.attachments,
    });
    return messageId;
  }
}
