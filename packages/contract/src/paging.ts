import { z } from 'zod';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;
/**
 * Lists of what callers wrote (profiles, timelines, recent events) stop a page early, with a
 * `nextCursor`, once its items pass about this many bytes of JSON.
 */
export const MAX_PAGE_BYTES = 1_000_000;

/** `?limit=&cursor=` of every list endpoint. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** A list: `{ data: [...], nextCursor }`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
