export { BUILT_IN_DEFAULT_MODE, BUILT_IN_PURPOSES } from './consent-purposes.js';
export { ConsentService } from './consent-service.js';
export { CONSENT_STAGE, ConsentStage, type ConsentStageOptions } from './consent-stage.js';
export { consentedProfiles, consentOf } from './consented-profiles.js';
