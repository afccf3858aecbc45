import type { SavedViewEntity } from '@tandem/contract';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { viewsApi, viewsQueryKey } from './views-api';

/** The caller's views of a list and the workspace's shared ones. */
export function useViews(entity: SavedViewEntity) {
  const { workspace } = useCurrentSession();
  return useQuery({
    queryKey: [...viewsQueryKey(workspace.id), entity],
    queryFn: async () => (await viewsApi.list(entity)).data,
  });
}
