import type { PipelineStatus } from '@tandem/contract';
import { apiClient } from '../api/api-client';

export const pipelineApi = {
  status: () => apiClient.get<PipelineStatus>('/api/v1/pipeline'),
};

/** Every pipeline query of a workspace starts with this key. */
export const pipelineQueryKey = (workspaceId: string) => ['pipeline', workspaceId] as const;
