import type { Audience, Broadcast } from '@tandem/contract';
import { apiClient, everyPage, type Page, withPage } from '../api/api-client';

const broadcastPath = (id: string) => `/api/v1/broadcasts/${encodeURIComponent(id)}`;

export const broadcastsQueryKey = (workspaceId: string) => ['workspace', workspaceId, 'broadcasts'] as const;

export type NewBroadcast = {
  name?: string;
  templateId: string;
  audienceId: string;
  sendAt?: string;
  perMinute?: number;
};

export const broadcastsApi = {
  /** A page of broadcasts, newest first. */
  list: (cursor: string | null) => apiClient.get<Page<Broadcast>>(withPage('/api/v1/broadcasts', { cursor })),
  get: (id: string) => apiClient.get<Broadcast>(broadcastPath(id)),
  create: (input: NewBroadcast) => apiClient.post<Broadcast>('/api/v1/broadcasts', input),
  cancel: (id: string) => apiClient.post<Broadcast>(`${broadcastPath(id)}/cancel`),
  /** Every audience, for the composer's picker. */
  audiences: () =>
    everyPage((cursor) =>
      apiClient.get<Page<Audience>>(withPage('/api/v1/audiences', { limit: 100, cursor })),
    ),
};
