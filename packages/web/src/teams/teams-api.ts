import type { AssignmentResult, CreateTeam, CrmSettings, Team, UpdateTeam } from '@tandem/contract';
import { apiClient, type Page } from '../api/api-client';

const teamPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}`;

export const teamsApi = {
  list: () => apiClient.get<Page<Team>>('/api/v1/teams'),
  create: (input: CreateTeam) => apiClient.post<Team>('/api/v1/teams', input),
  update: (input: { teamId: string; patch: UpdateTeam }) =>
    apiClient.patch<Team>(teamPath(input.teamId), input.patch),
  remove: (teamId: string) => apiClient.delete(teamPath(teamId)),
  assign: (input: { teamId: string; profileIds: string[] }) =>
    apiClient.post<AssignmentResult>(`${teamPath(input.teamId)}/assign`, { profileIds: input.profileIds }),
  settings: () => apiClient.get<CrmSettings>('/api/v1/crm/settings'),
  saveSettings: (settings: CrmSettings) => apiClient.put<CrmSettings>('/api/v1/crm/settings', settings),
};
