export {
  companiesOf,
  companiesOfProfiles,
  type GroupWrite,
  moveMemberships,
  projectCompanies,
  removeMemberships,
} from './companies.js';
export {
  type CompanyRecord,
  companiesById,
  createCompany,
  linkMember,
  memberCounts,
  membersOfCompanies,
  pageOfCompanies,
  sortedPageOfCompanies,
  unlinkMember,
  updateCompany,
} from './company-records.js';
export { type CompanyMatch, companiesSearch } from './company-search.js';
export { newProfilesByDay } from './new-profile-reads.js';
export {
  PERSON_BUILT_IN_COLUMNS,
  type PeopleSelection,
  type PersonCell,
  type PersonCondition,
  type PersonRow,
  peoplePage,
  peopleRows,
} from './people-rows.js';
export { PERSON_NAME_TRAITS, type PersonMatch, peopleSearch } from './people-search.js';
export { profilePersonData } from './profile-person-data.js';
export { resetProfileProjections } from './profiles-reset.js';
export { type ProfileSections, ProfilesService } from './profiles-service.js';
export { traitNamesOf, traitSampleOf } from './trait-catalog-reads.js';
export { combineTrait, combineTraits, type TraitState, traitOfEvent } from './trait-merge.js';
export { deleteTraits, storedTraitsOf } from './trait-tables.js';
export { traitsJsonOfProfiles, traitsOfProfiles } from './traits-of-profiles.js';
export {
  DEFAULT_MAX_TRAITS_PER_PROFILE,
  type ProfileFold,
  projectTraits,
  type TraitsDropped,
  type TraitWrite,
} from './traits-projection.js';
