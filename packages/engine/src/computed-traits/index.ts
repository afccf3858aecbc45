export { computedTraitPersonData } from './computed-trait-person-data.js';
export type { TraitDefinition } from './computed-trait-rows.js';
export {
  ComputedTraitsService,
  propertiesOf,
  type RecomputedTrait,
  SEGMENT_STAGE,
  storedComputedValuesOf,
} from './computed-traits-service.js';
export {
  computedTraitNamesOf,
  computedValuesJsonOfProfiles,
  computedValuesOfProfiles,
} from './computed-values-of-profiles.js';
export { hasTimeChanges, type TimeChangeConsumer, takeTimeChanges } from './time-changes.js';
export { emptyValueOf } from './trait-buckets.js';
export { forgetAllValues, forgetProfiles, type ProfiledEvent, refreshExpired } from './trait-state-store.js';
