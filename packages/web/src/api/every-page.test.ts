import { describe, expect, it } from 'vitest';
import { everyPage, type Page } from './api-client';

// A paged list as the API answers it: `size` items, `limit` a page, cursors the last id.
function pagedList(size: number, limit: number) {
  const items = Array.from({ length: size }, (_, i) => `item${i}`);
  const asked: (string | null)[] = [];
  const load = async (cursor: string | null): Promise<Page<string>> => {
    asked.push(cursor);
    const start = cursor === null ? 0 : items.indexOf(cursor) + 1;
    const data = items.slice(start, start + limit);
    return { data, nextCursor: start + limit < size ? (data.at(-1) ?? null) : null };
  };
  return { items, asked, load };
}

describe('every page of a list, for pickers', () => {
  it('follows the cursors to the end', async () => {
    const list = pagedList(250, 100);
    expect(await everyPage(list.load)).toEqual({ data: list.items, nextCursor: null });
    expect(list.asked).toEqual([null, 'item99', 'item199']);
  });

  it('stops at the cap and says more follow', async () => {
    const list = pagedList(250, 100);
    const page = await everyPage(list.load, 150);
    expect(page.data).toHaveLength(200);
    expect(page.nextCursor).toBe('item199');
  });
});
