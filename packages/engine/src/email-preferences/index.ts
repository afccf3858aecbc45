export { EmailPreferencesPersonData } from './email-preferences-person-data.js';
export {
  type EmailPreferencesDeps,
  EmailPreferencesService,
  type SubscriptionChange,
} from './email-preferences-service.js';
export { DEFAULT_FREQUENCY_CAP, durationMs, type SentEmail } from './frequency-cap.js';
export { ALL_MARKETING } from './subscriptions.js';
export { normalizeAddress } from './suppressions.js';
