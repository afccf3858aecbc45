import type {
  BulkPrivacyRequest,
  CreatePrivacyRequest,
  PrivacyRequest,
  PrivacyRequestStatus,
  PrivacyRequestType,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

export type PrivacyRequestFilter = { status: PrivacyRequestStatus | null; type: PrivacyRequestType | null };

export const privacyApi = {
  list: (filter: PrivacyRequestFilter, cursor: string | null) =>
    apiClient.get<Page<PrivacyRequest>>(
      withPage('/api/v1/privacy/requests', { limit: 50, cursor, status: filter.status, type: filter.type }),
    ),
  get: (requestId: string) =>
    apiClient.get<PrivacyRequest>(`/api/v1/privacy/requests/${encodeURIComponent(requestId)}`),
  create: (input: CreatePrivacyRequest) => apiClient.post<PrivacyRequest>('/api/v1/privacy/requests', input),
  bulk: (input: BulkPrivacyRequest) =>
    apiClient.post<{ data: PrivacyRequest[] }>('/api/v1/privacy/requests/bulk', input),
};

/** Every privacy query of a workspace starts with this key. */
export const privacyQueryKey = (workspaceId: string) => ['privacy-requests', workspaceId] as const;

/** How the UI names each request type. */
export const REQUEST_TYPE_LABELS: Record<PrivacyRequestType, string> = {
  delete: 'Delete',
  suppress: 'Suppress',
  suppress_and_delete: 'Suppress and delete',
  unsuppress: 'Unsuppress',
  export: 'Export',
  anonymize: 'Anonymize',
};

export const STATUS_COLORS: Record<PrivacyRequestStatus, string> = {
  pending: 'gray',
  running: 'blue',
  done: 'green',
  failed: 'red',
};
