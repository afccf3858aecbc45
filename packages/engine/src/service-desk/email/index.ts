export type { AutomaticMailKind } from './automatic-mail.js';
export type { MailboxDelivery, MailEnvelope, ReceiveOutcome, ThreadedBy } from './inbound-mail.js';
export { parseRecipient, replyAddress } from './mail-addresses.js';
export {
  type InboundRoute,
  MailChannel,
  type MailChannelOptions,
  type MailChannelState,
  replySubject,
} from './mail-channel.js';
export { MailboxesService, type TeamCheck } from './mailboxes-service.js';
export { type ChannelLog, DEFAULT_REPLY_RETRY, type ReplyRetryPolicy } from './reply-outbox.js';
export type { DeliveryStatus, EmailAttachment, PublicReply, TicketDesk } from './ticket-desk.js';
