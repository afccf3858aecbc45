export { type CrmAuditEntry, type CrmAuditRecord, crmAuditOf, recordCrmAudit } from './crm-audit.js';
export { type CrmEvent, CrmEvents } from './crm-events.js';
export {
  CustomFieldDefinitions,
  checkFieldValues,
  customFieldsOf,
  validateCustomFields,
} from './custom-fields/index.js';
