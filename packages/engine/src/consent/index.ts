export { type ConsentFlip, takeConsentFlips } from './consent-changes.js';
export { consentPersonData } from './consent-person-data.js';
export { BUILT_IN_DEFAULT_MODE, BUILT_IN_PURPOSES, purposeKeysOf } from './consent-purposes.js';
export { type ConsentChange, type ConsentRecording, ConsentService } from './consent-service.js';
export { CONSENT_STAGE, ConsentStage, type ConsentStageOptions } from './consent-stage.js';
export { consentedProfiles, consentOf } from './consented-profiles.js';
export { preferencesOf } from './event-preferences.js';
export type { PurposeTurn } from './purpose-turns.js';
