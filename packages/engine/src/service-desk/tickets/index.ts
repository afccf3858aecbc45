export { CannedRepliesService } from './canned-replies-service.js';
export { fillPlaceholders } from './canned-reply-placeholders.js';
export type {
  DeliveryStatus,
  InboundAttachment,
  PublicReply,
  TicketDesk,
  TicketSlaTracker,
  TicketTimeline,
} from './ticket-desk.js';
export { ticketReport } from './ticket-reports.js';
export { removeClosedTicketsBefore } from './ticket-retention.js';
export { type UnsolvedCounts, unsolvedTicketCounts } from './ticket-status-counts.js';
export { type DeskMember, type TicketHooks, type TicketsDeps, TicketsService } from './tickets-service.js';
