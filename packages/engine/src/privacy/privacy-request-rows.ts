import type { PrivacyReport, PrivacyRequest } from '@tandem/contract';
import type { Selectable } from 'kysely';
import type { PrivacyRequestsTable } from '../store/index.js';

/** A stored request as the API shows it (no identifier: only its type). */
export function privacyRequestOf(row: Selectable<PrivacyRequestsTable>): PrivacyRequest {
  return {
    id: row.request_id,
    type: row.type as PrivacyRequest['type'],
    identifierType: row.identifier_type as PrivacyRequest['identifierType'],
    status: row.status as PrivacyRequest['status'],
    report: JSON.parse(row.report) as PrivacyReport,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    requestedBy: row.requested_by,
  };
}
