import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import type { Page } from './api-client';

/** Follows `nextCursor` page by page; `items` is every page loaded so far, flattened. */
export function usePagedQuery<T>(queryKey: QueryKey, fetchPage: (cursor: string | null) => Promise<Page<T>>) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null, // the first page has no cursor
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
  const items = query.data?.pages.flatMap((page) => page.data) ?? [];
  return { ...query, items };
}
