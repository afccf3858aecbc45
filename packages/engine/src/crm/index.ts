export { type CrmAuditEntry, type CrmAuditRecord, crmAuditOf, recordCrmAudit } from './crm-audit.js';
export { type CrmEvent, CrmEvents } from './crm-events.js';
export { type ActorId, DealsService, dealPage, peopleOf, validateDealFields } from './deals/index.js';
export { DEFAULT_PIPELINE, PipelinesService } from './pipelines/index.js';
export { CrmReportsService } from './reports/index.js';
