export { type JourneyEffectHandlers, JourneyEffects } from './journey-effects.js';
export { JourneyPersonData } from './journey-person-data.js';
export { type EmailCountsOf, type JourneyEmailCounts, NO_EMAIL_COUNTS } from './journey-report.js';
export { JourneyRunner, type JourneyRunnerDeps } from './journey-runner.js';
export { JourneyTimers, type JourneyTimersOptions } from './journey-timers.js';
export type { JourneyReferences } from './journey-validation.js';
export { JourneysService, type JourneysServiceDeps } from './journeys-service.js';
export { JOURNEYS_STAGE, JourneysStage, type JourneysStageOptions } from './journeys-stage.js';
export { NO_STATIC_LISTS, type StaticLists } from './static-lists.js';
