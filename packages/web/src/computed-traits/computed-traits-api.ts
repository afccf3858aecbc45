import type { ComputedTrait, ComputedTraitPreview, CreateComputedTrait } from '@tandem/contract';
import { apiClient, type Page, withPage } from '../api/api-client';

const traitPath = (traitId: string) => `/api/v1/computed-traits/${encodeURIComponent(traitId)}`;

export const computedTraitsApi = {
  list: (cursor: string | null) =>
    apiClient.get<Page<ComputedTrait>>(withPage('/api/v1/computed-traits', { limit: 100, cursor })),
  get: (traitId: string) => apiClient.get<ComputedTrait>(traitPath(traitId)),
  create: (input: CreateComputedTrait) => apiClient.post<ComputedTrait>('/api/v1/computed-traits', input),
  update: (traitId: string, input: CreateComputedTrait) =>
    apiClient.patch<ComputedTrait>(traitPath(traitId), input),
  remove: (traitId: string) => apiClient.delete(traitPath(traitId)),
  preview: (definition: CreateComputedTrait) =>
    apiClient.post<ComputedTraitPreview>('/api/v1/computed-traits/preview', { definition }),
};

export const computedTraitsQueryKey = (workspaceId: string) => ['computed-traits', workspaceId] as const;
