import { describe, expect, it } from 'vitest';
import { readSignInState } from './sign-in-state';

describe('readSignInState', () => {
  it('keeps the string fields it knows', () => {
    expect(
      readSignInState({ from: '/deals', notice: 'Password changed.', email: 'ada@example.com' }),
    ).toEqual({
      from: '/deals',
      notice: 'Password changed.',
      email: 'ada@example.com',
    });
  });

  it('ignores anything else', () => {
    expect(readSignInState(null)).toEqual({});
    expect(readSignInState('x')).toEqual({});
    expect(readSignInState({ from: 3, notice: '', other: 'y' })).toEqual({});
  });
});
