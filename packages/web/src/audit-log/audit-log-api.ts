import type { AuditAction, AuditChainReport, AuditEntry } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

/** The audit page's filters, as typed (empty means "any"). */
export type AuditFilters = {
  actor: string;
  profileId: string;
  action: AuditAction | '';
  since: string;
  until: string;
};

export const NO_AUDIT_FILTERS: AuditFilters = { actor: '', profileId: '', action: '', since: '', until: '' };

export const auditLogApi = {
  list: (filters: AuditFilters, cursor: string | null) =>
    apiClient.get<Page<AuditEntry>>(withPage('/api/v1/audit-log', { ...filters, limit: 50, cursor })),
  verify: () => apiClient.get<AuditChainReport>('/api/v1/audit-log/verify'),
  /** The download's address (the browser sends the session cookie). */
  exportUrl: (filters: AuditFilters, format: 'ndjson' | 'csv') =>
    withPage('/api/v1/audit-log/export', { ...filters, format }),
};

/** Every audit query of a workspace starts with this key. */
export const auditQueryKey = (workspaceId: string) => ['audit-log', workspaceId] as const;
