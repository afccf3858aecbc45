export {
  EmailMessagesQueue,
  type EngagementKind,
  emailCountsByOrigin,
  hasPendingMessages,
  markEngagement,
  withdrawQueued,
  withdrawQueuedOfRuns,
} from './email-messages.js';
export { EmailPersonData } from './email-person-data.js';
export type { EmailOrigin, EmailQueue, QueuedEmail } from './email-queue.js';
export {
  EmailSender,
  type EmailSenderDeps,
  type EmailSenderOptions,
  type PersonEvent,
  type SendReport,
} from './email-sender.js';
export { DEFAULT_EMAIL_SETTINGS, EmailSettingsService } from './email-settings.js';
export { EmailTemplatesService, type LoadedTemplate } from './email-templates-service.js';
export { type CrmOf, type PersonContextDeps, PersonContexts } from './person-context.js';
export {
  type EmailSendPolicy,
  type OutgoingEmail,
  type RenderedEmail,
  SEND_EVERYTHING,
  type SendDecision,
} from './send-policy.js';
export { PREFERENCES_URL_MARKER, UNSUBSCRIBE_URL_MARKER } from './template-compiler.js';
