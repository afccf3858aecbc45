import type {
  BusinessCalendarPatch,
  BusinessCalendarView,
  NewBusinessCalendar,
  NewSlaPolicy,
  SlaPolicyPatch,
  SlaPolicyView,
} from '@tandem/contract';
import { roleAllows } from '@tandem/contract';
import { apiClient, type Page } from '../api/api-client';
import { useCurrentSession } from '../auth/use-session';

const calendarPath = (id: string) => `/api/v1/business-calendars/${encodeURIComponent(id)}`;
const policyPath = (id: string) => `/api/v1/sla-policies/${encodeURIComponent(id)}`;

export const slaQueryKey = (workspaceId: string) => ['sla', workspaceId] as const;

export const slaApi = {
  calendars: () => apiClient.get<Page<BusinessCalendarView>>('/api/v1/business-calendars'),
  createCalendar: (input: NewBusinessCalendar) =>
    apiClient.post<BusinessCalendarView>('/api/v1/business-calendars', input),
  updateCalendar: (input: { id: string; patch: BusinessCalendarPatch }) =>
    apiClient.patch<BusinessCalendarView>(calendarPath(input.id), input.patch),
  removeCalendar: (id: string) => apiClient.delete(calendarPath(id)),
  policies: () => apiClient.get<Page<SlaPolicyView>>('/api/v1/sla-policies'),
  createPolicy: (input: Omit<NewSlaPolicy, 'position'>) =>
    apiClient.post<SlaPolicyView>('/api/v1/sla-policies', input),
  updatePolicy: (input: { id: string; patch: SlaPolicyPatch }) =>
    apiClient.patch<SlaPolicyView>(policyPath(input.id), input.patch),
  removePolicy: (id: string) => apiClient.delete(policyPath(id)),
  reorderPolicies: (ids: string[]) =>
    apiClient.put<Page<SlaPolicyView>>('/api/v1/sla-policies/order', { ids }),
};

/** SLA settings are workspace settings: owners and admins change them, everyone else reads. */
export function useCanManageSla(): boolean {
  return roleAllows(useCurrentSession().role, 'members:manage');
}

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

/** "1 h 30 m", "2 d" for minutes. */
export function formatMinutes(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days > 0 ? `${days} d` : '', hours > 0 ? `${hours} h` : '', rest > 0 ? `${rest} m` : ''];
  return parts.filter(Boolean).join(' ') || '0 m';
}
