import type { Overview } from '@tandem/contract';
import { apiClient, withPage } from '../api/api-client';

export const overviewApi = {
  get: (days: number) => apiClient.get<Overview>(withPage('/api/v1/overview', { days })),
};

export const overviewKey = (workspaceId: string, days: number) => ['overview', workspaceId, days] as const;
