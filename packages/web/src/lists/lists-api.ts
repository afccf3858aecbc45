import type { CreateStaticList, ListMember, StaticList, UpdateStaticList } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const listPath = (listId: string) => `/api/v1/lists/${encodeURIComponent(listId)}`;
type MembersChanged = { changed: number; unknown: string[] };

export const listsApi = {
  list: () => apiClient.get<{ data: StaticList[] }>('/api/v1/lists'),
  get: (listId: string) => apiClient.get<StaticList>(listPath(listId)),
  create: (input: CreateStaticList) => apiClient.post<StaticList>('/api/v1/lists', input),
  update: (input: { listId: string; patch: UpdateStaticList }) =>
    apiClient.patch<StaticList>(listPath(input.listId), input.patch),
  remove: (listId: string) => apiClient.delete(listPath(listId)),
  members: (listId: string, cursor: string | null) =>
    apiClient.get<Page<ListMember>>(withPage(`${listPath(listId)}/members`, { limit: 50, cursor })),
  addMembers: (input: { listId: string; profileIds: string[] }) =>
    apiClient.post<MembersChanged>(`${listPath(input.listId)}/members`, { profileIds: input.profileIds }),
  removeMembers: (input: { listId: string; profileIds: string[] }) =>
    apiClient.delete<MembersChanged>(`${listPath(input.listId)}/members`, { profileIds: input.profileIds }),
};

/** Every list query of a workspace starts with this key. */
export const listsQueryKey = (workspaceId: string) => ['lists', workspaceId] as const;
