export { countActiveProfiles, countEventsNamedBetween } from './activity-reads.js';
export { callIdentifierFields } from './call-identifiers.js';
export {
  countEventsNamed,
  eventNamesOf,
  eventsOfProfilesNamed,
  latestEventsNamed,
  profilesWithEventNamed,
} from './event-catalog-reads.js';
export {
  type EventIdentifiers,
  type Identifier,
  type IdentifierRejection,
  identifiersOfEvent,
  normalizeIdentifier,
} from './identifiers-of-event.js';
export { identifiersOfProfiles } from './identifiers-of-profiles.js';
export { IdentityGraph, identifierKey, type MergeDecision, type Separation } from './identity-graph.js';
export { identityPersonData } from './identity-person-data.js';
export { resetIdentityGraph } from './identity-reset.js';
export { compileRules, DEFAULT_IDENTITY_SETTINGS, type IdentityRules } from './identity-rules.js';
export { IdentityService } from './identity-service.js';
export {
  type Attribution,
  chunksOf,
  countRejections,
  identifiersOf,
  loadGraphState,
  loadSeparations,
  repointProfile,
  saveGraph,
} from './identity-tables.js';
export {
  idsOfPerson,
  liveProfilesAfter,
  liveProfilesAmong,
  liveProfilesOf,
  mergedIntoOf,
} from './live-profiles.js';
export { mergesCausedBy } from './merges-caused-by.js';
export { eventCountsSince, type ValuedEvent, valuedEventsNamed } from './orders-of-event.js';
export { eventSeqsOfProfiles, personOfProfile, profileOfIdentifier } from './person-of-identifier.js';
export { eventsOfProfiles, forgetEvents, lastAttributedSeq, profilesOfEvents } from './profile-events.js';
export { type SplitProfiles, splitMerge } from './split-merge.js';
