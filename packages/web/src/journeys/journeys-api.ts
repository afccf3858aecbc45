import type { Journey, JourneyDefinition, JourneyReport } from '@tandem/contract';
import { ApiError, apiClient, type Page, withPage } from '../api/api-client';

/** A journey as the list shows it: with its people counts. */
export type JourneyListItem = Journey & { counts: { inProgress: number; entered: number } };

/** Something to fix before publishing: on a step (`stepId`), the entry or the settings (`field`). */
export type JourneyProblem = { stepId?: string; field: string; message: string };

export type JourneyValidation = { valid: boolean; problems: JourneyProblem[] };

/** One published version of a journey. */
export type JourneyVersion = { version: number; publishedAt: string; definition?: JourneyDefinition };

/** One person's run through a journey (`GET /{id}/runs`). */
export type JourneyRun = {
  id: string;
  profileId: string;
  version: number;
  status: string;
  stepId: string | null;
  enteredAt: string;
  updatedAt?: string;
};

export type InFlight = 'stay' | 'migrate';

const journeyPath = (journeyId: string) => `/api/v1/journeys/${encodeURIComponent(journeyId)}`;

export const journeysApi = {
  list: (cursor: string | null) =>
    apiClient.get<Page<JourneyListItem>>(withPage('/api/v1/journeys', { limit: 100, cursor })),
  get: (journeyId: string) => apiClient.get<Journey>(journeyPath(journeyId)),
  create: (definition: JourneyDefinition) => apiClient.post<Journey>('/api/v1/journeys', definition),
  update: (journeyId: string, definition: Partial<JourneyDefinition>) =>
    apiClient.patch<Journey>(journeyPath(journeyId), definition),
  publish: (journeyId: string, inFlight: InFlight) =>
    apiClient.post<Journey>(`${journeyPath(journeyId)}/publish`, { inFlight }),
  pause: (journeyId: string) => apiClient.post<Journey>(`${journeyPath(journeyId)}/pause`),
  resume: (journeyId: string) => apiClient.post<Journey>(`${journeyPath(journeyId)}/resume`),
  archive: (journeyId: string) => apiClient.delete(journeyPath(journeyId)),
  versions: (journeyId: string) =>
    apiClient.get<{ data: JourneyVersion[] }>(`${journeyPath(journeyId)}/versions`),
  report: (journeyId: string) => apiClient.get<JourneyReport>(`${journeyPath(journeyId)}/report`),
  runs: (journeyId: string, filter: { stepId?: string; status?: string; cursor?: string | null }) =>
    apiClient.get<Page<JourneyRun>>(withPage(`${journeyPath(journeyId)}/runs`, { limit: 50, ...filter })),
  validate: (definition: JourneyDefinition) =>
    apiClient.post<JourneyValidation>('/api/v1/journeys/validate', definition),
};

/** Every journey query of a workspace starts with this key, so one invalidation refreshes them all. */
export const journeysQueryKey = (workspaceId: string) => ['journeys', workspaceId] as const;

/** The problems a refused publish (422) names, read from its details. */
export function problemsOfError(error: unknown): JourneyProblem[] {
  if (!(error instanceof ApiError)) return [];
  // The journeys API's details carry `{stepId?, field, message}`, wider than the common `{path, message}`.
  const details = error.details as readonly Record<string, unknown>[];
  return details.flatMap((detail) => {
    const message = typeof detail.message === 'string' ? detail.message : '';
    const field =
      typeof detail.field === 'string' ? detail.field : typeof detail.path === 'string' ? detail.path : '';
    if (message === '') return [];
    const stepId = typeof detail.stepId === 'string' ? detail.stepId : undefined;
    return [stepId === undefined ? { field, message } : { stepId, field, message }];
  });
}
