import { describe, expect, it } from 'vitest';
import { newId, newSecret } from './new-id.js';

describe('ids', () => {
  it('are prefixed by type and ordered by creation time', () => {
    const ids = Array.from({ length: 1000 }, () => newId('profile'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^prof_[0-9a-z]{26}$/);
  });

  it('are ULIDs: their first ten characters are the creation time', () => {
    const before = Date.now();
    const id = newId('event').slice('evt_'.length);
    const after = Date.now();
    const ms = [...id.slice(0, 10)].reduce(
      (sum, c) => sum * 32 + '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c),
      0,
    );
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
    expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('stay ordered past a carry within one millisecond', () => {
    // Thousands of ids in a millisecond or two: increments carry into earlier characters.
    const ids = Array.from({ length: 50_000 }, () => newId('event'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes unguessable secrets', () => {
    const a = newSecret('tdm_');
    expect(a).toMatch(/^tdm_[\w-]{32}$/);
    expect(newSecret('tdm_')).not.toBe(a);
  });
});
