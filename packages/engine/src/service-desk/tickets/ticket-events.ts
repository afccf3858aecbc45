import type { Ticket, TicketStatus } from '@tandem/contract';
import type { CrmEvent } from '../../crm/index.js';

// What a ticket change says on the requester's timeline: support history that audiences,
// computed traits and journeys can use like any other behaviour.

interface TicketChange {
  readonly workspaceId: string;
  readonly ticket: Ticket;
  readonly actorId: string | null;
  readonly at: string;
}

function eventOf(
  { workspaceId, ticket, actorId, at }: TicketChange,
  event: string,
  messageId: string,
  extra: Record<string, unknown> = {},
): CrmEvent {
  return {
    workspaceId,
    profileId: ticket.profileId,
    event,
    properties: {
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      subject: ticket.subject,
      status: ticket.status,
      priority: ticket.priority,
      ...(ticket.type === null ? {} : { ticketType: ticket.type }),
      ...(ticket.teamId === null ? {} : { teamId: ticket.teamId }),
      ...extra,
    },
    actorId,
    at,
    messageId,
  };
}

export function ticketOpenedEvent(change: TicketChange): CrmEvent {
  return eventOf(change, 'Ticket Opened', `ticket-opened-${change.ticket.id}`, {
    channel: change.ticket.channel,
  });
}

/** A public agent reply (internal notes are not support history the customer saw). */
export function ticketRepliedEvent(change: TicketChange, messageId: string): CrmEvent {
  return eventOf(change, 'Ticket Replied', `ticket-replied-${messageId}`, { messageId });
}

/** The requester wrote again (by email or through the API). */
export function ticketMessageReceivedEvent(change: TicketChange, messageId: string): CrmEvent {
  return eventOf(change, 'Ticket Message Received', `ticket-message-${messageId}`, { messageId });
}

export function statusChangedEvents(change: TicketChange, from: TicketStatus, changeId: string): CrmEvent[] {
  const events = [
    eventOf(change, 'Ticket Status Changed', `ticket-status-${changeId}`, {
      fromStatus: from,
      toStatus: change.ticket.status,
    }),
  ];
  if (change.ticket.status === 'solved')
    events.push(eventOf(change, 'Ticket Solved', `ticket-solved-${changeId}`, { fromStatus: from }));
  return events;
}

export function ticketAssignedEvent(
  change: TicketChange,
  assignment: { reason: 'manual' | 'round_robin' | 'rule'; previousAssigneeId: string | null },
): CrmEvent {
  return eventOf(
    change,
    'Ticket Assigned',
    `ticket-assigned-${change.ticket.id}-${change.ticket.assigneeId ?? 'nobody'}-${change.at}`,
    { assigneeId: change.ticket.assigneeId, ...assignment },
  );
}
