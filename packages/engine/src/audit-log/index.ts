export { canonicalEntry, GENESIS_HASH, linkHash } from './audit-chain.js';
export { AuditLogService } from './audit-log-service.js';
export { auditLogPersonData } from './audit-person-data.js';
export type { AuditActor, AuditRecord } from './audit-record.js';
export type { AuditRecorderOptions } from './audit-recorder.js';
