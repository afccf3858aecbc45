import type { PageQuery } from '@tandem/contract';

/** Pages a short, id-ordered list held in memory (tokens, members): cursor = last id seen. */
export function pageOfList<T>(items: readonly T[], page: PageQuery, idOf: (item: T) => string) {
  const after = page.cursor;
  const rest = after === undefined ? items : items.filter((item) => idOf(item) > after);
  const data = rest.slice(0, page.limit);
  const last = data.at(-1);
  return { data, nextCursor: rest.length > page.limit && last ? idOf(last) : null };
}
