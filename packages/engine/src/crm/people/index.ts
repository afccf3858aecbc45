export { listPeople } from './people-list.js';
export { NO_PERSON_SECTIONS, type PeopleDeps, PeopleService, type PersonSections } from './people-service.js';
export { appendTraitsWithin } from './person-calls.js';
export { type PersonRecord, personRecordOf } from './person-records.js';
export { checkIdPrefix, livePersonOf } from './person-ref.js';
