export { AudienceEvents } from './audience-events.js';
export { activeAudienceIdsOfProfiles } from './audience-ids-of-profiles.js';
export { audiencePersonData } from './audience-person-data.js';
export { AudiencesService, activeAudienceIdsOf, membershipsOf } from './audiences-service.js';
export {
  compileRule,
  type RuleNode,
  type RuleScope,
  referencedAudiences,
  referencedComputedTraits,
} from './compiled-rule.js';
export { type CurrentMembership, currentMembershipsOf } from './current-memberships.js';
export type { MembershipChange } from './membership-changes.js';
export { type EventReads, eventReadsOf, loadProfileFacts } from './profile-facts.js';
export { countHolds, type ProfileEvent, type ProfileFacts, ruleHolds } from './rule-evaluator.js';
export { profilesMeeting } from './rule-query.js';
export { SegmentStage, type SegmentStageOptions } from './segment-stage.js';
