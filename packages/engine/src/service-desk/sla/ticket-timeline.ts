/**
 * The shapes sla/ shares with tickets/ (see docs/sla.md): declared here so this folder depends on
 * no other desk folder's code. tickets/ builds a TicketTimeline and hands it to SlaService.track.
 */
export type TicketStatus = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export const TICKET_PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'urgent'];

/** A ticket's history as the SLA clock needs it. */
export interface TicketTimeline {
  workspaceId: string;
  ticketId: string;
  priority: TicketPriority;
  type: string | null;
  tags: string[];
  teamId: string | null;
  /** ISO. */
  createdAt: string;
  /** In order; the first is the initial status. */
  statusChanges: { status: TicketStatus; at: string }[];
  /** Public messages in order: who wrote each (the requester, or an agent). Internal notes excluded. */
  publicMessages: { author: 'requester' | 'agent'; at: string }[];
  /** The requester's profile (for trait conditions, and where SLA events go). */
  profileId: string;
}

export type SlaMetric = 'first_response' | 'next_response' | 'resolution';
export const SLA_METRICS: readonly SlaMetric[] = ['first_response', 'next_response', 'resolution'];

/** A ticket's SLA state, as shown on the ticket and in the inbox. */
export interface SlaClock {
  policyId: string | null;
  firstResponseDueAt: string | null;
  nextResponseDueAt: string | null;
  resolutionDueAt: string | null;
  breached: SlaMetric[];
  pausedMs: number;
  atRisk: boolean;
  /** e.g. "paused 2 h 10 m while pending", "clock runs Mon–Fri 09:00–17:00 Europe/Paris". */
  explanation: string[];
}
