export { bounceRoute } from './bounce-route.js';
export { PREFERENCES_MARKER, UNSUBSCRIBE_MARKER } from './email-decoration.js';
export { EmailEngagementPersonData } from './email-engagement-person-data.js';
export {
  type EmailEngagementDeps,
  EmailEngagementService,
  type EngagementKind,
  type MarkEngagement,
  type PreferencePage,
  type TrackingRequest,
} from './email-engagement-service.js';
export { EmailPolicy } from './email-policy.js';
export { type MachineDetectionOptions, machineReasonOf } from './machine-detection.js';
