import { describe, expect, it } from 'vitest';
import { newId, newSecret } from './new-id.js';

describe('ids', () => {
  it('are prefixed by type and ordered by creation time', () => {
    const ids = Array.from({ length: 1000 }, () => newId('profile'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^prof_[0-9a-z]{26}$/);
  });

  it('makes unguessable secrets', () => {
    const a = newSecret('tdm_');
    expect(a).toMatch(/^tdm_[\w-]{32}$/);
    expect(newSecret('tdm_')).not.toBe(a);
  });
});
