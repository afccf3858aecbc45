import { describe, expect, it } from 'vitest';
import { newPasswordProblem } from './new-password';

describe('newPasswordProblem', () => {
  it('accepts a long enough password typed the same twice', () => {
    expect(newPasswordProblem('violet kettle orbit 42', 'violet kettle orbit 42')).toBeNull();
  });

  it('names the length limits, on the first field', () => {
    expect(newPasswordProblem('short', 'short')).toEqual({
      field: 'password',
      message: 'Use at least 8 characters.',
    });
    const long = 'x'.repeat(257);
    expect(newPasswordProblem(long, long)).toEqual({
      field: 'password',
      message: 'Use at most 256 characters.',
    });
  });

  it('catches a mistyped repetition, on the second field', () => {
    expect(newPasswordProblem('violet kettle orbit 42', 'violet kettle orbit 43')).toEqual({
      field: 'confirmation',
      message: 'The two passwords are not the same.',
    });
  });
});
