import type { CatalogEvents, CatalogTraits } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../api/api-client';
import { useCurrentSession } from '../auth/use-session';

// The names the builders offer in their pickers; a minute old is fresh enough for a picker.
const STALE_MS = 60_000;

export function useCatalogTraits() {
  const { workspace } = useCurrentSession();
  return useQuery({
    queryKey: ['catalog', workspace.id, 'traits'],
    queryFn: () => apiClient.get<CatalogTraits>('/api/v1/catalog/traits'),
    staleTime: STALE_MS,
  });
}

export function useCatalogEvents() {
  const { workspace } = useCurrentSession();
  return useQuery({
    queryKey: ['catalog', workspace.id, 'events'],
    queryFn: () => apiClient.get<CatalogEvents>('/api/v1/catalog/events'),
    staleTime: STALE_MS,
  });
}
