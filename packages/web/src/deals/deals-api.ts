import type {
  CreateDeal,
  CreatePipeline,
  Deal,
  DealDetail,
  DealListQuery,
  DealPerson,
  ForecastReport,
  Pipeline,
  PipelineReport,
  SalesReport,
  StageReport,
  UpdateDeal,
  UpdatePipeline,
} from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

/** Cards a kanban column loads at a time. */
export const STAGE_PAGE_SIZE = 50;

const dealPath = (dealId: string) => `/api/v1/deals/${encodeURIComponent(dealId)}`;

export type DealFilter = Partial<Omit<DealListQuery, 'limit' | 'cursor'>>;

export const dealsApi = {
  pipelines: () => apiClient.get<Page<Pipeline>>('/api/v1/pipelines'),
  createPipeline: (pipeline: CreatePipeline) => apiClient.post<Pipeline>('/api/v1/pipelines', pipeline),
  updatePipeline: ({ id, ...patch }: UpdatePipeline & { id: string }) =>
    apiClient.patch<Pipeline>(`/api/v1/pipelines/${encodeURIComponent(id)}`, patch),
  list: (filter: DealFilter, cursor: string | null, limit = STAGE_PAGE_SIZE) =>
    apiClient.get<Page<Deal>>(withPage('/api/v1/deals', { ...filter, limit, cursor })),
  get: (dealId: string) => apiClient.get<DealDetail>(dealPath(dealId)),
  create: (deal: CreateDeal) => apiClient.post<DealDetail>('/api/v1/deals', deal),
  update: ({ id, ...patch }: UpdateDeal & { id: string }) => apiClient.patch<DealDetail>(dealPath(id), patch),
  setPeople: ({ id, people }: { id: string; people: DealPerson[] }) =>
    apiClient.put<DealDetail>(`${dealPath(id)}/people`, { people }),
  pipelineReport: (pipelineId: string) =>
    apiClient.get<PipelineReport>(withPage('/api/v1/reports/pipeline', { pipelineId })),
  forecast: (pipelineId: string, from: string | null, months: number) =>
    apiClient.get<ForecastReport>(withPage('/api/v1/reports/forecast', { pipelineId, from, months })),
  sales: (pipelineId: string, since: string | null, until: string | null) =>
    apiClient.get<SalesReport>(withPage('/api/v1/reports/sales', { pipelineId, since, until })),
  stages: (pipelineId: string) =>
    apiClient.get<StageReport>(withPage('/api/v1/reports/stages', { pipelineId })),
};

/** Every deals query of a workspace starts with this key: a change invalidates them all at once. */
export const dealsQueryKey = (workspaceId: string) => ['deals', workspaceId] as const;
export const stageDealsKey = (workspaceId: string, stageId: string) =>
  [...dealsQueryKey(workspaceId), 'stage', stageId] as const;
export const dealKey = (workspaceId: string, dealId: string) =>
  [...dealsQueryKey(workspaceId), 'deal', dealId] as const;
export const pipelinesKey = (workspaceId: string) => [...dealsQueryKey(workspaceId), 'pipelines'] as const;
export const reportKey = (workspaceId: string, name: string, ...args: unknown[]) =>
  [...dealsQueryKey(workspaceId), 'report', name, ...args] as const;

/** Labels of the roles a person has on a deal. */
export const ROLE_LABELS = {
  decision_maker: 'Decision maker',
  champion: 'Champion',
  influencer: 'Influencer',
  user: 'User',
  blocker: 'Blocker',
  other: 'Other',
} as const;
