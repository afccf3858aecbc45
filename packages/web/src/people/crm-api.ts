import type {
  Activity,
  BulkUpdatePeople,
  CreateActivity,
  CreateCustomField,
  CreatePerson,
  CreateTask,
  CustomField,
  CustomFieldEntity,
  PeopleListQuery,
  Person,
  PersonSummary,
  Task,
  UpdateCustomField,
  UpdatePerson,
  UpdateTask,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const PAGE_SIZE = 50;
/** The contacts list loads more per request: its table is virtualized. */
const LIST_PAGE_SIZE = 100;
const personPath = (profileId: string) => `/api/v1/people/${encodeURIComponent(profileId)}`;

export type PeopleFilters = Pick<
  PeopleListQuery,
  'q' | 'ownerId' | 'lifecycleStage' | 'leadStatus' | 'tag' | 'sort'
>;

export const peopleApi = {
  list: (filters: PeopleFilters, cursor: string | null) =>
    apiClient.get<Page<PersonSummary>>(
      withPage('/api/v1/people', { ...filters, limit: LIST_PAGE_SIZE, cursor }),
    ),
  get: (profileId: string) => apiClient.get<Person>(personPath(profileId)),
  create: (input: CreatePerson) => apiClient.post<Person>('/api/v1/people', input),
  update: (input: { profileId: string; patch: UpdatePerson }) =>
    apiClient.patch<Person>(personPath(input.profileId), input.patch),
  bulkUpdate: (input: BulkUpdatePeople) => apiClient.post<{ updated: number }>('/api/v1/people/bulk', input),
};

export type ActivityTarget = { profileId?: string; companyId?: string; dealId?: string };

export const activitiesApi = {
  list: (target: ActivityTarget, cursor: string | null) =>
    apiClient.get<Page<Activity>>(withPage('/api/v1/activities', { ...target, limit: PAGE_SIZE, cursor })),
  create: (input: CreateActivity) => apiClient.post<Activity>('/api/v1/activities', input),
};

export type TaskFilters = {
  assignee?: string;
  status?: 'open' | 'done';
  overdue?: 'true';
  profileId?: string;
  companyId?: string;
};

export const tasksApi = {
  list: (filters: TaskFilters, cursor: string | null) =>
    apiClient.get<Page<Task>>(withPage('/api/v1/tasks', { ...filters, limit: PAGE_SIZE, cursor })),
  create: (input: CreateTask) => apiClient.post<Task>('/api/v1/tasks', input),
  update: (input: { taskId: string; patch: UpdateTask }) =>
    apiClient.patch<Task>(`/api/v1/tasks/${encodeURIComponent(input.taskId)}`, input.patch),
};

export const customFieldsApi = {
  list: (entity?: CustomFieldEntity) =>
    apiClient.get<Page<CustomField>>(withPage('/api/v1/custom-fields', { entity })),
  create: (input: CreateCustomField) => apiClient.post<CustomField>('/api/v1/custom-fields', input),
  update: (input: { fieldId: string; patch: UpdateCustomField }) =>
    apiClient.patch<CustomField>(`/api/v1/custom-fields/${encodeURIComponent(input.fieldId)}`, input.patch),
  remove: (fieldId: string) => apiClient.delete(`/api/v1/custom-fields/${encodeURIComponent(fieldId)}`),
};

/** Every CRM query of a workspace starts with this key: a CRM write refreshes them all. */
export const crmQueryKey = (workspaceId: string) => ['crm', workspaceId] as const;
