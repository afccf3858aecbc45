import type {
  Journey,
  JourneyDefinition,
  JourneyListItem,
  JourneyProblem,
  JourneyReport,
  JourneyRun,
  JourneyValidation,
  JourneyVersion,
  ProfileJourneyRun,
} from '@tandem/contract';
import { ApiError, apiClient, type Page, withPage } from '../api/api-client';
import { sentence } from '../rules/rule-model';

export type { JourneyListItem, JourneyProblem, JourneyRun, JourneyValidation, JourneyVersion };

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
  versions: (journeyId: string, cursor: string | null) =>
    apiClient.get<Page<JourneyVersion>>(withPage(`${journeyPath(journeyId)}/versions`, { cursor })),
  /** A person's runs, newest first, each with its path. */
  profileRuns: (profileId: string, cursor: string | null) =>
    apiClient.get<Page<ProfileJourneyRun>>(
      withPage(`/api/v1/profiles/${encodeURIComponent(profileId)}/journeys`, { cursor }),
    ),
  report: (journeyId: string) => apiClient.get<JourneyReport>(`${journeyPath(journeyId)}/report`),
  runs: (journeyId: string, filter: { stepId?: string; status?: string; cursor?: string | null }) =>
    apiClient.get<Page<JourneyRun>>(withPage(`${journeyPath(journeyId)}/runs`, { limit: 50, ...filter })),
  validate: (definition: JourneyDefinition) =>
    apiClient.post<JourneyValidation>('/api/v1/journeys/validate', definition),
};

/** Every journey query of a workspace starts with this key, so one invalidation refreshes them all. */
export const journeysQueryKey = (workspaceId: string) => ['journeys', workspaceId] as const;

/**
 * The problems a refused call names: a publish's 422 (`steps.<stepId>.<field>`), or a schema's 400
 * on a definition (`body.steps.<index>.<field>`, read against the definition sent).
 */
export function problemsOfError(error: unknown, sent?: JourneyDefinition): JourneyProblem[] {
  if (!(error instanceof ApiError)) return [];
  return error.details.flatMap((detail): JourneyProblem[] => {
    if (detail.message === '') return [];
    const message = sentence(detail.message);
    const path = detail.path.replace(/^body\./, '');
    const onStep = /^steps\.([A-Za-z0-9_-]+)\.?(.*)$/.exec(path);
    if (!onStep) return [{ field: path, message }];
    const [, key = '', field = ''] = onStep;
    const byIndex = sent && /^\d+$/.test(key) ? sent.steps[Number(key)]?.id : undefined;
    return [{ stepId: byIndex ?? key, field, message }];
  });
}
