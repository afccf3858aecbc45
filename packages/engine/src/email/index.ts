export type { EmailOrigin, EmailQueue, QueuedEmail } from './email-queue.js';
export {
  type EmailSendPolicy,
  type OutgoingEmail,
  type RenderedEmail,
  SEND_EVERYTHING,
  type SendDecision,
} from './send-policy.js';
