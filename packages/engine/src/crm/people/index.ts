export { listPeople } from './people-list.js';
export { NO_PERSON_SECTIONS, type PeopleDeps, PeopleService, type PersonSections } from './people-service.js';
export {
  CRM_PERSON_COLUMNS,
  crmPersonCells,
  crmPersonConditions,
  isCrmPersonColumn,
  splitPersonFilters,
} from './people-view.js';
export { appendTraitsOfProfilesWithin, appendTraitsWithin } from './person-calls.js';
export { type PersonRecord, personRecordOf } from './person-records.js';
export { checkIdPrefix, livePersonOf } from './person-ref.js';
