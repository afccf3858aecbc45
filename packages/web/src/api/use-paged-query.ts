import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Page } from './api-client';

/** Follows `nextCursor` page by page; `items` is every page loaded so far, flattened. */
export function usePagedQuery<T>(queryKey: QueryKey, fetchPage: (cursor: string | null) => Promise<Page<T>>) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null, // the first page has no cursor
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
  // Stable between renders, so effects and memos depending on the items run only when pages change.
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.data) ?? [], [query.data]);
  return { ...query, items };
}
