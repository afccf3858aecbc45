export { ACTIVITY_EVENTS, ActivitiesService } from './activities/index.js';
export { removeActivitiesBefore } from './activity-retention.js';
export { TeamsService } from './assignment/index.js';
export { CompaniesService } from './companies/index.js';
export { type CrmAuditEntry, type CrmAuditRecord, crmAuditOf, recordCrmAudit } from './crm-audit.js';
export { type CrmEvent, CrmEvents } from './crm-events.js';
export { CrmPersonData } from './crm-person-data.js';
export { crmSettingsOf, saveCrmSettings } from './crm-settings.js';
export {
  CustomFieldDefinitions,
  checkFieldValues,
  customFieldsOf,
  validateCustomFields,
} from './custom-fields/index.js';
export {
  type ActorId,
  closedDealOutcomes,
  type DealCell,
  type DealImportDeps,
  type DealImportOutcome,
  type DealImportRow,
  DealImportSession,
  DealsService,
  dealPage,
  dealsSearch,
  isDealRole,
  peopleOf,
  validateDealFields,
} from './deals/index.js';
export {
  appendTraitsOfProfilesWithin,
  appendTraitsWithin,
  CRM_PERSON_COLUMNS,
  crmPersonCells,
  isCrmPersonColumn,
  NO_PERSON_SECTIONS,
  PeopleService,
  type PersonSections,
  splitPersonFilters,
} from './people/index.js';
export { DEFAULT_PIPELINE, PipelinesService } from './pipelines/index.js';
export { CrmReportsService } from './reports/index.js';
export { type TaskReader, TasksService } from './tasks/index.js';
